package gen

import "strings"

// kind says how a column's values are made up.
type kind uint8

const (
	kID     kind = iota // bigint key, skewed towards small ids
	kTenant             // tenant id, 1..60, skewed
	kSmall              // 0..1000
	kQty                // 1..20
	kEnum               // one of the column's values
	kName               // "Smart Jacket", "Heidi O'Brien"
	kEmail              // mixed-case e-mail address
	kUUID               // 8-4-4-4-12 hex
	kTS                 // timestamp with time zone in the last 90 days
	kMoney              // 0.00..999.99
	kBool               // true/false
	kSlug               // "wayne-garden"
	kSKU                // "ACM-20352"
	kRef                // "ch_e0af89f47d5a5fb5"
	kIP                 // 10.x.y.z
	kJSON               // small jsonb object
	kText               // a sentence
	kPostal             // 5 digits
	kURL                // https://hooks.example.com/...
)

// numeric kinds are written bare in simple-protocol SQL.
func (k kind) numeric() bool {
	switch k {
	case kID, kTenant, kSmall, kQty, kMoney:
		return true
	}
	return false
}

type column struct {
	name  string
	k     kind
	enum  []string
	ref   string // referenced table for a foreign key
	table *table
}

type table struct {
	name, alias string
	cols        []*column
	byName      map[string]*column
	children    []*column // foreign keys of other tables that point here
}

func (t *table) col(name string) *column { return t.byName[name] }

// colsOf returns the columns of t whose kind satisfies ok.
func (t *table) colsOf(ok func(*column) bool) []*column {
	var out []*column
	for _, c := range t.cols {
		if ok(c) {
			out = append(out, c)
		}
	}
	return out
}

// schemaSpec is the 30 tables of a multi-tenant shop. Each column is
// name:kind, with enum(a,b,c) for enumerations and id>table for foreign keys.
// Every table has an id bigint primary key.
var schemaSpec = []string{
	"tenants t: slug:slug name:name plan:enum(free,pro,enterprise) created_at:ts",
	"users u: tenant_id:tenant email:email full_name:name role:enum(admin,member,viewer) created_at:ts deleted_at:ts",
	"sessions s: user_id:id>users token:uuid ip:ip expires_at:ts created_at:ts",
	"products p: tenant_id:tenant sku:sku name:name category:enum(apparel,garden,office,kitchen,toys,books) price:money active:bool created_at:ts updated_at:ts",
	"categories cat: tenant_id:tenant name:name parent_id:id>categories position:small",
	"orders o: tenant_id:tenant user_id:id>users status:enum(pending,paid,shipped,cancelled,refunded) total:money currency:enum(EUR,USD,GBP) created_at:ts updated_at:ts",
	"order_items oi: order_id:id>orders product_id:id>products quantity:qty unit_price:money",
	"payments pay: order_id:id>orders provider:enum(stripe,adyen,paypal) provider_ref:ref amount:money status:enum(pending,captured,failed,refunded) created_at:ts",
	"refunds rf: payment_id:id>payments amount:money reason:enum(damaged,late,wrong_item,other) created_at:ts",
	"shipments sh: order_id:id>orders carrier:enum(ups,dhl,fedex,usps) tracking_no:ref status:enum(label,in_transit,delivered,lost) shipped_at:ts",
	"addresses a: user_id:id>users country:enum(US,DE,FR,GB,NL,JP) city:name postal_code:postal created_at:ts",
	"carts ca: tenant_id:tenant user_id:id>users status:enum(open,converted,abandoned) updated_at:ts",
	"cart_items ci: cart_id:id>carts product_id:id>products quantity:qty added_at:ts",
	"inventory inv: product_id:id>products warehouse_id:id>warehouses quantity:small reserved:small updated_at:ts",
	"warehouses w: tenant_id:tenant code:slug country:enum(US,DE,FR,GB,NL,JP) region:enum(eu,us,apac)",
	"suppliers sup: tenant_id:tenant name:name email:email country:enum(US,DE,FR,CN,IN,VN) rating:small",
	"purchase_orders po: supplier_id:id>suppliers warehouse_id:id>warehouses status:enum(draft,sent,received,closed) expected_at:ts created_at:ts",
	"reviews rv: product_id:id>products user_id:id>users rating:qty body:text created_at:ts",
	"coupons cp: tenant_id:tenant code:slug discount:money valid_until:ts active:bool",
	"events e: tenant_id:tenant user_id:id>users kind:enum(page_view,search,add_to_cart,order_placed,login) payload:json created_at:ts",
	"audit_log al: tenant_id:tenant actor_id:id>users action:enum(create,update,delete,login) entity:enum(order,product,user,invoice) entity_id:id created_at:ts",
	"notifications n: user_id:id>users channel:enum(email,sms,push) status:enum(queued,sent,failed) sent_at:ts created_at:ts",
	"subscriptions sb: tenant_id:tenant user_id:id>users plan:enum(free,pro,enterprise) status:enum(active,past_due,canceled) renews_at:ts updated_at:ts",
	"invoices i: tenant_id:tenant subscription_id:id>subscriptions number:ref status:enum(draft,open,paid,void) amount:money due_at:ts created_at:ts",
	"invoice_lines il: invoice_id:id>invoices description:text amount:money quantity:qty",
	"api_keys ak: tenant_id:tenant key_hash:uuid revoked:bool last_used_at:ts",
	"webhooks wh: tenant_id:tenant url:url event:enum(order.created,order.paid,refund.created) status:enum(active,disabled) failures:small",
	"tickets tk: tenant_id:tenant user_id:id>users status:enum(open,pending,closed) priority:enum(low,normal,high,urgent) subject:text created_at:ts updated_at:ts",
	"ticket_comments tc: ticket_id:id>tickets author_id:id>users body:text created_at:ts",
	"price_history ph: product_id:id>products price:money valid_from:ts",
}

var kindNames = map[string]kind{
	"id": kID, "tenant": kTenant, "small": kSmall, "qty": kQty, "name": kName,
	"email": kEmail, "uuid": kUUID, "ts": kTS, "money": kMoney, "bool": kBool,
	"slug": kSlug, "sku": kSKU, "ref": kRef, "ip": kIP, "json": kJSON,
	"text": kText, "postal": kPostal, "url": kURL,
}

// parseSchema turns schemaSpec into tables. It panics on a bad spec: the spec
// is a constant of this package.
func parseSchema() []*table {
	var tables []*table
	byName := map[string]*table{}
	for _, spec := range schemaSpec {
		head, body, _ := strings.Cut(spec, ": ")
		name, alias, _ := strings.Cut(head, " ")
		t := &table{name: name, alias: alias, byName: map[string]*column{}}
		t.cols = append(t.cols, &column{name: "id", k: kID, table: t})
		for _, f := range strings.Fields(body) {
			cn, ks, _ := strings.Cut(f, ":")
			c := &column{name: cn, table: t}
			switch {
			case strings.HasPrefix(ks, "enum("):
				c.k = kEnum
				c.enum = strings.Split(strings.TrimSuffix(strings.TrimPrefix(ks, "enum("), ")"), ",")
			case strings.HasPrefix(ks, "id>"):
				c.k = kID
				c.ref = strings.TrimPrefix(ks, "id>")
			default:
				k, ok := kindNames[ks]
				if !ok {
					panic("gen: unknown kind " + ks)
				}
				c.k = k
			}
			t.cols = append(t.cols, c)
		}
		for _, c := range t.cols {
			t.byName[c.name] = c
		}
		tables = append(tables, t)
		byName[name] = t
	}
	for _, t := range tables {
		for _, c := range t.cols {
			if c.ref != "" {
				p := byName[c.ref]
				if p == nil {
					panic("gen: unknown table " + c.ref)
				}
				p.children = append(p.children, c)
			}
		}
	}
	return tables
}
