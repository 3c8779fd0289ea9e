-- 0013 order contacts (PostgreSQL). Keep in step with sql/sqlite/0013_order_contacts.sql.
-- What a pre-application typed about the person (issue 10 item 1;
-- docs/applicant.md "Doors and entitlement"): the name, e-mail and mobile the
-- institution sent, kept with ITS order. The institution's pages and API show
-- these, never the person's stored record, and the order's mails go to this
-- e-mail; a later pre-application never replaces the person's own data.
CREATE TABLE order_contacts (
  order_id    BIGINT PRIMARY KEY REFERENCES orders (id),
  given_name  TEXT NOT NULL,
  surname     TEXT NOT NULL,
  email       TEXT NOT NULL,
  mobile      TEXT NOT NULL
);

-- Orders made before: what their person's record says now is the best we have.
INSERT INTO order_contacts (order_id, given_name, surname, email, mobile)
  SELECT o.id, p.given_name, p.surname, p.email, p.mobile
  FROM orders o JOIN persons p ON p.id = o.person_id;
