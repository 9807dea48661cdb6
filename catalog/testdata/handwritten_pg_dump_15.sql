--
-- PostgreSQL database dump
--

\restrict rMkBo3d5soW4CwYlf1sejmZIok3AZSGqdYbBLoQvZeDzffjBK8tf5eFHHiCr5Iq

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
-- Name: app; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO postgres;

--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;


--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: widgets; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.widgets (
    id integer NOT NULL,
    account_id integer,
    tag "char"
);


ALTER TABLE app.widgets OWNER TO postgres;

--
-- Name: Mixed Case; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."Mixed Case" (
    "Id" bigint NOT NULL,
    "Value" text,
    "user" text
);


ALTER TABLE public."Mixed Case" OWNER TO postgres;

--
-- Name: Mixed Case_Id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public."Mixed Case" ALTER COLUMN "Id" ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public."Mixed Case_Id_seq"
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: a_very_long_table_name_that_goes_on_and_on_and_on_forever_xyz; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.a_very_long_table_name_that_goes_on_and_on_and_on_forever_xyz (
    a_very_long_column_name_that_is_also_quite_long integer,
    another_long_column_name integer
);


ALTER TABLE public.a_very_long_table_name_that_goes_on_and_on_and_on_forever_xyz OWNER TO postgres;

--
-- Name: accounts; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.accounts (
    id integer NOT NULL,
    email text NOT NULL,
    name character varying(100) NOT NULL,
    created timestamp with time zone DEFAULT CURRENT_TIMESTAMP,
    status text DEFAULT 'new'::text NOT NULL,
    ref_id integer
);


ALTER TABLE public.accounts OWNER TO postgres;

--
-- Name: accounts_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.accounts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.accounts_id_seq OWNER TO postgres;

--
-- Name: accounts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.accounts_id_seq OWNED BY public.accounts.id;


--
-- Name: accounts_copy; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.accounts_copy (
    id integer DEFAULT nextval('public.accounts_id_seq'::regclass) NOT NULL,
    email text NOT NULL,
    name character varying(100),
    created timestamp(3) without time zone DEFAULT now(),
    extra integer
);


ALTER TABLE public.accounts_copy OWNER TO postgres;

--
-- Name: child_inh; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.child_inh (
)
INHERITS (public.accounts);


ALTER TABLE public.child_inh OWNER TO postgres;

--
-- Name: conflict; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.conflict (
    a integer
);


ALTER TABLE public.conflict OWNER TO postgres;

--
-- Name: conflict_a_key; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.conflict_a_key (
    x integer
);


ALTER TABLE public.conflict_a_key OWNER TO postgres;

--
-- Name: dup2; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.dup2 (
    a integer NOT NULL,
    b bigint NOT NULL
);


ALTER TABLE public.dup2 OWNER TO postgres;

--
-- Name: dup_b_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

CREATE SEQUENCE public.dup_b_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.dup_b_seq OWNER TO postgres;

--
-- Name: dup_b_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: postgres
--

ALTER SEQUENCE public.dup_b_seq OWNED BY public.dup2.b;


--
-- Name: excl; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.excl (
    r int4range,
    k integer
);


ALTER TABLE public.excl OWNER TO postgres;

--
-- Name: memberships; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.memberships (
    account_id integer NOT NULL,
    group_id integer NOT NULL,
    member_role text,
    CONSTRAINT memberships_role_check CHECK ((member_role <> ''::text))
);


ALTER TABLE public.memberships OWNER TO postgres;

--
-- Name: mv; Type: MATERIALIZED VIEW; Schema: public; Owner: postgres
--

CREATE MATERIALIZED VIEW public.mv AS
 SELECT accounts.id,
    accounts.email
   FROM public.accounts
  WITH NO DATA;


ALTER TABLE public.mv OWNER TO postgres;

--
-- Name: parts; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.parts (
    id integer NOT NULL,
    at date NOT NULL,
    note text
)
PARTITION BY RANGE (at);


ALTER TABLE public.parts OWNER TO postgres;

--
-- Name: parts_2024; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.parts_2024 (
    id integer NOT NULL,
    at date NOT NULL,
    note text DEFAULT 'n/a'::text
);


ALTER TABLE public.parts_2024 OWNER TO postgres;

--
-- Name: parts_max; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.parts_max (
    id integer NOT NULL,
    at date NOT NULL,
    note text
);


ALTER TABLE public.parts_max OWNER TO postgres;

--
-- Name: parts_old; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.parts_old (
    id integer NOT NULL,
    at date NOT NULL,
    note text
);


ALTER TABLE public.parts_old OWNER TO postgres;

--
-- Name: pk_later; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.pk_later (
    a integer NOT NULL,
    b integer
);


ALTER TABLE public.pk_later OWNER TO postgres;

--
-- Name: t_named; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.t_named (
    a integer NOT NULL,
    b integer
);


ALTER TABLE public.t_named OWNER TO postgres;

--
-- Name: v_accounts; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.v_accounts AS
 SELECT a.id,
    a.email AS mail,
    lower((a.name)::text) AS lower
   FROM public.accounts a;


ALTER TABLE public.v_accounts OWNER TO postgres;

--
-- Name: parts_2024; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parts ATTACH PARTITION public.parts_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');


--
-- Name: parts_max; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parts ATTACH PARTITION public.parts_max FOR VALUES FROM ('2025-01-01') TO (MAXVALUE);


--
-- Name: parts_old; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parts ATTACH PARTITION public.parts_old FOR VALUES FROM (MINVALUE) TO ('2024-01-01');


--
-- Name: accounts id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.accounts ALTER COLUMN id SET DEFAULT nextval('public.accounts_id_seq'::regclass);


--
-- Name: child_inh id; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.child_inh ALTER COLUMN id SET DEFAULT nextval('public.accounts_id_seq'::regclass);


--
-- Name: child_inh created; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.child_inh ALTER COLUMN created SET DEFAULT CURRENT_TIMESTAMP;


--
-- Name: child_inh status; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.child_inh ALTER COLUMN status SET DEFAULT 'new'::text;


--
-- Name: dup2 b; Type: DEFAULT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.dup2 ALTER COLUMN b SET DEFAULT nextval('public.dup_b_seq'::regclass);


--
-- Name: widgets widgets_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.widgets
    ADD CONSTRAINT widgets_pkey PRIMARY KEY (id);


--
-- Name: Mixed Case Mixed Case_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."Mixed Case"
    ADD CONSTRAINT "Mixed Case_pkey" PRIMARY KEY ("Id");


--
-- Name: a_very_long_table_name_that_goes_on_and_on_and_on_forever_xyz a_very_long_table_name_that_g_a_very_long_column_name_that__key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.a_very_long_table_name_that_goes_on_and_on_and_on_forever_xyz
    ADD CONSTRAINT a_very_long_table_name_that_g_a_very_long_column_name_that__key UNIQUE (a_very_long_column_name_that_is_also_quite_long, another_long_column_name);


--
-- Name: accounts accounts_email_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_email_key UNIQUE (email);


--
-- Name: accounts accounts_name_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_name_key UNIQUE (name);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: t_named b_uq; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.t_named
    ADD CONSTRAINT b_uq UNIQUE (b);


--
-- Name: conflict conflict_a_key1; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.conflict
    ADD CONSTRAINT conflict_a_key1 UNIQUE (a);


--
-- Name: dup2 dup_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.dup2
    ADD CONSTRAINT dup_pkey PRIMARY KEY (a);


--
-- Name: excl excl_k_r_excl; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.excl
    ADD CONSTRAINT excl_k_r_excl EXCLUDE USING gist (k WITH =, r WITH &&) WHERE ((k > 0));


--
-- Name: memberships memberships_group_id_role_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_group_id_role_key UNIQUE (group_id) INCLUDE (member_role);


--
-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (account_id, group_id);


--
-- Name: parts parts_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parts
    ADD CONSTRAINT parts_pkey PRIMARY KEY (id, at);


--
-- Name: parts_2024 parts_2024_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parts_2024
    ADD CONSTRAINT parts_2024_pkey PRIMARY KEY (id, at);


--
-- Name: parts_max parts_max_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parts_max
    ADD CONSTRAINT parts_max_pkey PRIMARY KEY (id, at);


--
-- Name: parts_old parts_old_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.parts_old
    ADD CONSTRAINT parts_old_pkey PRIMARY KEY (id, at);


--
-- Name: pk_later pk_later_idx; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.pk_later
    ADD CONSTRAINT pk_later_idx PRIMARY KEY (a);


--
-- Name: t_named t_named_a_b_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.t_named
    ADD CONSTRAINT t_named_a_b_key UNIQUE (a, b);


--
-- Name: t_named t_named_a_pk; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.t_named
    ADD CONSTRAINT t_named_a_pk PRIMARY KEY (a);


--
-- Name: t_named t_named_b_excl; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.t_named
    ADD CONSTRAINT t_named_b_excl EXCLUDE USING btree (b WITH =);


--
-- Name: widgets_account_id_idx; Type: INDEX; Schema: app; Owner: postgres
--

CREATE INDEX widgets_account_id_idx ON app.widgets USING btree (account_id);


--
-- Name: Mixed Case_Value_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX "Mixed Case_Value_idx" ON public."Mixed Case" USING btree ("Value");


--
-- Name: Mixed Case_user_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX "Mixed Case_user_idx" ON public."Mixed Case" USING btree ("user" DESC NULLS LAST);


--
-- Name: accounts_created_email_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX accounts_created_email_idx ON public.accounts USING btree (created DESC NULLS LAST, email text_pattern_ops);


--
-- Name: accounts_email_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX accounts_email_idx ON public.accounts USING btree (email) WHERE (created IS NOT NULL);


--
-- Name: accounts_email_name_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX accounts_email_name_idx ON public.accounts USING btree (email, ((name)::text));


--
-- Name: accounts_expr_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX accounts_expr_idx ON public.accounts USING btree (((email || (name)::text)));


--
-- Name: accounts_lower_email_idx2; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX accounts_lower_email_idx2 ON public.accounts USING btree (lower(email));


--
-- Name: accounts_lower_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX accounts_lower_idx ON public.accounts USING btree (lower(email));


--
-- Name: accounts_name_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX accounts_name_idx ON public.accounts USING hash (name);


--
-- Name: mv_id_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX mv_id_idx ON public.mv USING btree (id);


--
-- Name: parts_at_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX parts_at_idx ON ONLY public.parts USING btree (at);


--
-- Name: parts_2024_at_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX parts_2024_at_idx ON public.parts_2024 USING btree (at);


--
-- Name: parts_max_at_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX parts_max_at_idx ON public.parts_max USING btree (at);


--
-- Name: parts_note_only; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX parts_note_only ON ONLY public.parts USING btree (note);


--
-- Name: parts_old_at; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX parts_old_at ON public.parts_old USING btree (at);


--
-- Name: parts_2024_at_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.parts_at_idx ATTACH PARTITION public.parts_2024_at_idx;


--
-- Name: parts_2024_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.parts_pkey ATTACH PARTITION public.parts_2024_pkey;


--
-- Name: parts_max_at_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.parts_at_idx ATTACH PARTITION public.parts_max_at_idx;


--
-- Name: parts_max_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.parts_pkey ATTACH PARTITION public.parts_max_pkey;


--
-- Name: parts_old_at; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.parts_at_idx ATTACH PARTITION public.parts_old_at;


--
-- Name: parts_old_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.parts_pkey ATTACH PARTITION public.parts_old_pkey;


--
-- Name: widgets widgets_account_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.widgets
    ADD CONSTRAINT widgets_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id);


--
-- Name: accounts accounts_ref_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_ref_id_fkey FOREIGN KEY (ref_id) REFERENCES public.accounts(id);


--
-- Name: memberships memberships_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id);


--
-- Name: memberships memberships_group_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_group_id_fkey FOREIGN KEY (group_id) REFERENCES public.t_named(b);


--
-- PostgreSQL database dump complete
--

\unrestrict rMkBo3d5soW4CwYlf1sejmZIok3AZSGqdYbBLoQvZeDzffjBK8tf5eFHHiCr5Iq

