--
-- PostgreSQL database dump
--

\restrict RbrnjABdi0maKqPrGFzGqMnpNrCg6p0Pm5oJyxYsc7h26l1x58YK4ywg8ulqzRB

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: billing; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA billing;


ALTER SCHEMA billing OWNER TO postgres;

--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;


--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';


--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: email_address; Type: DOMAIN; Schema: public; Owner: postgres
--

CREATE DOMAIN public.email_address AS public.citext
	CONSTRAINT email_address_check CHECK ((VALUE OPERATOR(public.~) '@'::public.citext));


ALTER DOMAIN public.email_address OWNER TO postgres;

--
-- Name: order_status; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.order_status AS ENUM (
    'pending',
    'paid',
    'shipped',
    'cancelled'
);


ALTER TYPE public.order_status OWNER TO postgres;

--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;


ALTER FUNCTION public.touch_updated_at() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: users; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    email public.email_address NOT NULL,
    username public.citext NOT NULL,
    display_name character varying(255),
    status text DEFAULT 'active'::text NOT NULL,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    is_admin boolean DEFAULT false NOT NULL,
    score double precision,
    rating real,
    age smallint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone,
    deleted_at timestamp(3) with time zone,
    external_id uuid DEFAULT gen_random_uuid(),
    balance numeric(12,2) DEFAULT 0 NOT NULL,
    "order" integer,
    "Nick Name" text
);


ALTER TABLE public.users OWNER TO postgres;

--
-- Name: TABLE users; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.users IS 'All users; one row per account';


--
-- Name: COLUMN users.status; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON COLUMN public.users.status IS 'active, suspended; or closed';


--
-- Name: user_count(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.user_count() RETURNS bigint
    LANGUAGE sql
    BEGIN ATOMIC
 SELECT count(*) AS count
    FROM public.users;
END;


ALTER FUNCTION public.user_count() OWNER TO postgres;

--
-- Name: accounts; Type: TABLE; Schema: billing; Owner: postgres
--

CREATE TABLE billing.accounts (
    id integer NOT NULL,
    user_id bigint NOT NULL,
    currency character(3) DEFAULT 'EUR'::bpchar NOT NULL
);


ALTER TABLE billing.accounts OWNER TO postgres;

--
-- Name: accounts_id_seq; Type: SEQUENCE; Schema: billing; Owner: postgres
--

ALTER TABLE billing.accounts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME billing.accounts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: orders; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.orders (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    account_id integer,
    status public.order_status DEFAULT 'pending'::public.order_status NOT NULL,
    total numeric(12,2) NOT NULL,
    placed_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    note character varying,
    CONSTRAINT orders_total_check CHECK ((total >= (0)::numeric))
);


ALTER TABLE public.orders OWNER TO postgres;

--
-- Name: daily_totals; Type: MATERIALIZED VIEW; Schema: billing; Owner: postgres
--

CREATE MATERIALIZED VIEW billing.daily_totals AS
 SELECT date_trunc('day'::text, orders.placed_at) AS day,
    count(*) AS n,
    sum(orders.total) AS total
   FROM public.orders
  GROUP BY (date_trunc('day'::text, orders.placed_at))
  WITH NO DATA;


ALTER TABLE billing.daily_totals OWNER TO postgres;

--
-- Name: invoices; Type: TABLE; Schema: billing; Owner: postgres
--

CREATE TABLE billing.invoices (
    id bigint NOT NULL,
    account_id integer NOT NULL,
    number text NOT NULL,
    issued_on date NOT NULL
);


ALTER TABLE billing.invoices OWNER TO postgres;

--
-- Name: invoices_id_seq; Type: SEQUENCE; Schema: billing; Owner: postgres
--

CREATE SEQUENCE billing.invoices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE billing.invoices_id_seq OWNER TO postgres;

--
-- Name: invoices_id_seq; Type: SEQUENCE OWNED BY; Schema: billing; Owner: postgres
--

ALTER SEQUENCE billing.invoices_id_seq OWNED BY billing.invoices.id;


--
-- Name: UserEvents; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."UserEvents" (
    "eventId" integer NOT NULL,
    "userId" bigint,
    "Kind" text NOT NULL,
    payload json,
    occurred_at timestamp without time zone NOT NULL
);


ALTER TABLE public."UserEvents" OWNER TO postgres;

--
-- Name: UserEvents_eventId_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public."UserEvents_eventId_seq"
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public."UserEvents_eventId_seq" OWNER TO postgres;

--
-- Name: UserEvents_eventId_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public."UserEvents_eventId_seq" OWNED BY public."UserEvents"."eventId";


--
-- Name: active_users; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.active_users AS
 SELECT u.id,
    u.email,
    u.created_at
   FROM public.users u
  WHERE (u.deleted_at IS NULL);


ALTER TABLE public.active_users OWNER TO postgres;

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now(),
    msg text
);


ALTER TABLE public.audit_log OWNER TO postgres;

--
-- Name: audit_log_archive; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.audit_log_archive (
    archived_at timestamp with time zone
)
INHERITS (public.audit_log);


ALTER TABLE public.audit_log_archive OWNER TO postgres;

--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.audit_log_id_seq OWNER TO postgres;

--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: cache_entries; Type: TABLE; Schema: public; Owner: postgres
--

CREATE UNLOGGED TABLE public.cache_entries (
    key text NOT NULL,
    value bytea,
    expires_at timestamp with time zone
);


ALTER TABLE public.cache_entries OWNER TO postgres;

--
-- Name: coupons; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.coupons (
    code text NOT NULL,
    campaign text,
    expires_on date
);


ALTER TABLE public.coupons OWNER TO postgres;

--
-- Name: events_by_kind; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.events_by_kind (
    kind text NOT NULL,
    id bigint NOT NULL
)
PARTITION BY LIST (kind);


ALTER TABLE public.events_by_kind OWNER TO postgres;

--
-- Name: events_by_kind_ab; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.events_by_kind_ab (
    kind text NOT NULL,
    id bigint NOT NULL
);


ALTER TABLE public.events_by_kind_ab OWNER TO postgres;

--
-- Name: events_by_kind_default; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.events_by_kind_default (
    kind text NOT NULL,
    id bigint NOT NULL
);


ALTER TABLE public.events_by_kind_default OWNER TO postgres;

--
-- Name: invoice_numbers; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.invoice_numbers
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.invoice_numbers OWNER TO postgres;

--
-- Name: measurements; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements (
    sensor_id integer NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    value double precision
)
PARTITION BY RANGE (recorded_at);


ALTER TABLE public.measurements OWNER TO postgres;

--
-- Name: measurements_2024; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements_2024 (
    sensor_id integer NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    value double precision
);


ALTER TABLE public.measurements_2024 OWNER TO postgres;

--
-- Name: measurements_2025; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements_2025 (
    sensor_id integer NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    value double precision
);


ALTER TABLE public.measurements_2025 OWNER TO postgres;

--
-- Name: order_items; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.order_items (
    order_id bigint NOT NULL,
    line_no integer NOT NULL,
    sku text NOT NULL,
    qty integer DEFAULT 1 NOT NULL
);


ALTER TABLE public.order_items OWNER TO postgres;

--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.orders ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: room_bookings; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.room_bookings (
    id integer NOT NULL,
    room_id integer NOT NULL,
    during tstzrange NOT NULL
);


ALTER TABLE public.room_bookings OWNER TO postgres;

--
-- Name: room_bookings_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.room_bookings_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.room_bookings_id_seq OWNER TO postgres;

--
-- Name: room_bookings_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.room_bookings_id_seq OWNED BY public.room_bookings.id;


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.sessions (
    id uuid NOT NULL,
    user_id bigint
)
PARTITION BY HASH (id);


ALTER TABLE public.sessions OWNER TO postgres;

--
-- Name: sessions_p0; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.sessions_p0 (
    id uuid NOT NULL,
    user_id bigint
);


ALTER TABLE public.sessions_p0 OWNER TO postgres;

--
-- Name: sessions_p1; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.sessions_p1 (
    id uuid NOT NULL,
    user_id bigint
);


ALTER TABLE public.sessions_p1 OWNER TO postgres;

--
-- Name: type_zoo; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.type_zoo (
    a smallint,
    b integer,
    c bigint,
    d real,
    e double precision,
    f numeric,
    g numeric(10,0),
    h numeric(12,2),
    i boolean,
    j character(1),
    k character(8),
    l character varying,
    m character varying(20),
    n text,
    o bytea,
    p date,
    q time without time zone,
    r time(3) without time zone,
    s time with time zone,
    t timestamp without time zone,
    u timestamp(0) without time zone,
    v timestamp with time zone,
    w timestamp(6) with time zone,
    x interval,
    y interval day to second(3),
    z interval year,
    aa bit(8),
    ab bit varying(16),
    ac "char",
    ad integer[],
    ae character varying(10)[],
    af integer[],
    ag json,
    ah jsonb,
    ai uuid,
    aj inet,
    ak tstzrange,
    al public.order_status,
    am public.email_address,
    an real,
    ao money,
    ap xml,
    aq name,
    ar oid
);


ALTER TABLE public.type_zoo OWNER TO postgres;

--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.users_id_seq OWNER TO postgres;

--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;


--
-- Name: events_by_kind_ab; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.events_by_kind ATTACH PARTITION public.events_by_kind_ab FOR VALUES IN ('a', 'b');


--
-- Name: events_by_kind_default; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.events_by_kind ATTACH PARTITION public.events_by_kind_default DEFAULT;


--
-- Name: measurements_2024; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements ATTACH PARTITION public.measurements_2024 FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');


--
-- Name: measurements_2025; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements ATTACH PARTITION public.measurements_2025 FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');


--
-- Name: sessions_p0; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sessions ATTACH PARTITION public.sessions_p0 FOR VALUES WITH (modulus 2, remainder 0);


--
-- Name: sessions_p1; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sessions ATTACH PARTITION public.sessions_p1 FOR VALUES WITH (modulus 2, remainder 1);


--
-- Name: invoices id; Type: DEFAULT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.invoices ALTER COLUMN id SET DEFAULT nextval('billing.invoices_id_seq'::regclass);


--
-- Name: UserEvents eventId; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."UserEvents" ALTER COLUMN "eventId" SET DEFAULT nextval('public."UserEvents_eventId_seq"'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: audit_log_archive id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.audit_log_archive ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: audit_log_archive at; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.audit_log_archive ALTER COLUMN at SET DEFAULT now();


--
-- Name: room_bookings id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.room_bookings ALTER COLUMN id SET DEFAULT nextval('public.room_bookings_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: accounts accounts_user_id_currency_key; Type: CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.accounts
    ADD CONSTRAINT accounts_user_id_currency_key UNIQUE (user_id, currency);


--
-- Name: invoices invoices_account_id_number_key; Type: CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.invoices
    ADD CONSTRAINT invoices_account_id_number_key UNIQUE (account_id, number);


--
-- Name: invoices invoices_pkey; Type: CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.invoices
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (id);


--
-- Name: UserEvents UserEvents_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."UserEvents"
    ADD CONSTRAINT "UserEvents_pkey" PRIMARY KEY ("eventId");


--
-- Name: cache_entries cache_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.cache_entries
    ADD CONSTRAINT cache_entries_pkey PRIMARY KEY (key);


--
-- Name: coupons coupons_code_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.coupons
    ADD CONSTRAINT coupons_code_key UNIQUE (code);


--
-- Name: measurements measurements_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements
    ADD CONSTRAINT measurements_pkey PRIMARY KEY (sensor_id, recorded_at);


--
-- Name: measurements_2024 measurements_2024_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements_2024
    ADD CONSTRAINT measurements_2024_pkey PRIMARY KEY (sensor_id, recorded_at);


--
-- Name: measurements_2025 measurements_2025_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements_2025
    ADD CONSTRAINT measurements_2025_pkey PRIMARY KEY (sensor_id, recorded_at);


--
-- Name: order_items order_items_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_pkey PRIMARY KEY (order_id, line_no);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: room_bookings room_bookings_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.room_bookings
    ADD CONSTRAINT room_bookings_pkey PRIMARY KEY (id);


--
-- Name: room_bookings room_bookings_room_id_during_excl; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.room_bookings
    ADD CONSTRAINT room_bookings_room_id_during_excl EXCLUDE USING gist (room_id WITH =, during WITH &&);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: users users_username_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_username_key UNIQUE (username);


--
-- Name: daily_totals_day; Type: INDEX; Schema: billing; Owner: postgres
--

CREATE UNIQUE INDEX daily_totals_day ON billing.daily_totals USING btree (day);


--
-- Name: invoices_issued_on_idx; Type: INDEX; Schema: billing; Owner: postgres
--

CREATE INDEX invoices_issued_on_idx ON billing.invoices USING btree (issued_on DESC NULLS LAST, id);


--
-- Name: UserEvents_userId_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX "UserEvents_userId_idx" ON public."UserEvents" USING btree ("userId", occurred_at);


--
-- Name: cache_entries_expires; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX cache_entries_expires ON public.cache_entries USING btree (expires_at) WHERE (expires_at IS NOT NULL);


--
-- Name: coupons_campaign_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX coupons_campaign_idx ON public.coupons USING btree (campaign) NULLS NOT DISTINCT;


--
-- Name: measurements_recorded_brin; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_recorded_brin ON ONLY public.measurements USING brin (recorded_at);


--
-- Name: measurements_2024_recorded_at_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_2024_recorded_at_idx ON public.measurements_2024 USING brin (recorded_at);


--
-- Name: measurements_value_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_value_idx ON ONLY public.measurements USING btree (sensor_id, value) WHERE (value IS NOT NULL);


--
-- Name: measurements_2024_sensor_id_value_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_2024_sensor_id_value_idx ON public.measurements_2024 USING btree (sensor_id, value) WHERE (value IS NOT NULL);


--
-- Name: measurements_2025_recorded_at_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_2025_recorded_at_idx ON public.measurements_2025 USING brin (recorded_at);


--
-- Name: measurements_2025_sensor_id_value_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_2025_sensor_id_value_idx ON public.measurements_2025 USING btree (sensor_id, value) WHERE (value IS NOT NULL);


--
-- Name: order_items_sku_upper; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX order_items_sku_upper ON public.order_items USING btree (upper(sku) text_pattern_ops);


--
-- Name: orders_pending; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX orders_pending ON public.orders USING btree (placed_at) WHERE (status = 'pending'::public.order_status);


--
-- Name: orders_placed_brin; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX orders_placed_brin ON public.orders USING brin (placed_at);


--
-- Name: orders_user_placed; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX orders_user_placed ON public.orders USING btree (user_id, placed_at DESC);


--
-- Name: users_active_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_active_idx ON public.users USING btree (created_at) WHERE ((deleted_at IS NULL) AND (status = 'active'::text));


--
-- Name: users_created_at_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_created_at_idx ON public.users USING btree (created_at DESC);


--
-- Name: users_display_name_pattern; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_display_name_pattern ON public.users USING btree (display_name varchar_pattern_ops);


--
-- Name: users_lower_display_name_key; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX users_lower_display_name_key ON public.users USING btree (lower((display_name)::text));


--
-- Name: users_lower_expr_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_lower_expr_idx ON public.users USING btree (lower(status), ((settings ->> 'theme'::text)));


--
-- Name: users_nick_trgm; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_nick_trgm ON public.users USING gin ("Nick Name" public.gin_trgm_ops);


--
-- Name: users_order_hash; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_order_hash ON public.users USING hash ("order");


--
-- Name: users_rating_desc_nulls_last; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_rating_desc_nulls_last ON public.users USING btree (rating DESC NULLS LAST);


--
-- Name: users_score_nulls_first; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_score_nulls_first ON public.users USING btree (score NULLS FIRST);


--
-- Name: users_settings_gin; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_settings_gin ON public.users USING gin (settings jsonb_path_ops);


--
-- Name: users_status_email_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_status_email_idx ON public.users USING btree (status) INCLUDE (email);


--
-- Name: users_tags_gin; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX users_tags_gin ON public.users USING gin (tags);


--
-- Name: measurements_2024_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_pkey ATTACH PARTITION public.measurements_2024_pkey;


--
-- Name: measurements_2024_recorded_at_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_recorded_brin ATTACH PARTITION public.measurements_2024_recorded_at_idx;


--
-- Name: measurements_2024_sensor_id_value_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_value_idx ATTACH PARTITION public.measurements_2024_sensor_id_value_idx;


--
-- Name: measurements_2025_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_pkey ATTACH PARTITION public.measurements_2025_pkey;


--
-- Name: measurements_2025_recorded_at_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_recorded_brin ATTACH PARTITION public.measurements_2025_recorded_at_idx;


--
-- Name: measurements_2025_sensor_id_value_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_value_idx ATTACH PARTITION public.measurements_2025_sensor_id_value_idx;


--
-- Name: users users_touch; Type: TRIGGER; Schema: public; Owner: postgres
--

CREATE TRIGGER users_touch BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();


--
-- Name: accounts accounts_user_id_fkey; Type: FK CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.accounts
    ADD CONSTRAINT accounts_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: invoices invoices_account_id_fkey; Type: FK CONSTRAINT; Schema: billing; Owner: postgres
--

ALTER TABLE ONLY billing.invoices
    ADD CONSTRAINT invoices_account_id_fkey FOREIGN KEY (account_id) REFERENCES billing.accounts(id);


--
-- Name: UserEvents UserEvents_userId_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."UserEvents"
    ADD CONSTRAINT "UserEvents_userId_fkey" FOREIGN KEY ("userId") REFERENCES public.users(id);


--
-- Name: order_items order_items_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.order_items
    ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(id);


--
-- Name: orders orders_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_account_id_fkey FOREIGN KEY (account_id) REFERENCES billing.accounts(id);


--
-- Name: orders orders_user_fk; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: TABLE users; Type: ACL; Schema: public; Owner: postgres
--

GRANT SELECT ON TABLE public.users TO PUBLIC;


--
-- PostgreSQL database dump complete
--

\unrestrict RbrnjABdi0maKqPrGFzGqMnpNrCg6p0Pm5oJyxYsc7h26l1x58YK4ywg8ulqzRB

