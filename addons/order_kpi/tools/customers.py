"""The customer columns of the order facts: first order, repeat order and
cohort (first-order month and months since).

A customer is the commercial entity, per company; its first order is its
earliest confirmed order (confirmation date, then id). The full pass
(:func:`customer_pass`) recomputes every order of the customers it selects —
the rebuild, and a refresh in which a first order may have changed; the
refresh of other orders sets theirs only (:func:`customer_pass_of_orders`),
so that its cost does not grow with the customer's history.
"""

from odoo.tools import SQL

# months from the customer's first order (``fi.first_date``) to the order's ``f.date``
COHORT_AGE = SQL(
    """CASE WHEN f.confirmed THEN
               ((EXTRACT(YEAR FROM f.date) * 12 + EXTRACT(MONTH FROM f.date))
                - (EXTRACT(YEAR FROM fi.first_date) * 12
                   + EXTRACT(MONTH FROM fi.first_date)))::int
           END"""
)


def customer_pass(partners):
    """First order, repeat order and cohort of every order of the customers
    ``partners`` selects (``SQL`` condition on ``f.partner_id``).

    A customer is the commercial entity, per company; its first order is its
    earliest confirmed order (confirmation date, then id)."""
    return SQL(
        """
WITH firsts AS (
    SELECT DISTINCT ON (f.company_id, f.partner_id)
           f.company_id, f.partner_id, f.id AS first_id, f.date AS first_date
      FROM order_kpi_report f
     WHERE f.confirmed AND %(partners)s
  ORDER BY f.company_id, f.partner_id, f.date_order, f.id
), wanted AS (
    SELECT f.id,
           (f.confirmed AND f.id = fi.first_id)::int AS first_order,
           (f.confirmed AND f.id <> fi.first_id)::int AS repeat_order,
           fi.first_date AS cohort_date,
           %(age)s AS cohort_age
      FROM order_kpi_report f
      LEFT JOIN firsts fi ON fi.company_id = f.company_id AND fi.partner_id = f.partner_id
     WHERE %(partners)s
)
UPDATE order_kpi_report f
   SET first_order = w.first_order, repeat_order = w.repeat_order,
       cohort_date = w.cohort_date, cohort_age = w.cohort_age
  FROM wanted w
 WHERE f.id = w.id
   AND (f.first_order, f.repeat_order, f.cohort_date, f.cohort_age)
       IS DISTINCT FROM (w.first_order, w.repeat_order, w.cohort_date, w.cohort_age)
""",
        partners=partners,
        age=COHORT_AGE,
    )


def customer_first(order):
    """The first order (``first_id``, ``first_date``) of the customer of the
    fact row ``order`` (an alias): one probe of the index on the customers'
    confirmed orders, however many orders the customer has."""
    return SQL(
        """LATERAL (
        SELECT x.id AS first_id, x.date AS first_date
          FROM order_kpi_report x
         WHERE x.confirmed AND x.company_id = %(o)s.company_id
           AND x.partner_id = %(o)s.partner_id
      ORDER BY x.date_order, x.id
         LIMIT 1) fi""",
        o=SQL.identifier(order),
    )


def customer_first_among(ids):
    """Whether one of the orders ``ids`` (``SQL`` array) is its customer's
    first order: then every order of the customer may change cohort."""
    return SQL(
        """EXISTS (
    SELECT 1 FROM order_kpi_report t CROSS JOIN %(first)s
     WHERE t.id = ANY(%(ids)s) AND fi.first_id = ANY(%(ids)s))""",
        first=customer_first("t"),
        ids=ids,
    )


def customer_pass_of_orders(ids):
    """The customer columns of the orders ``ids`` (``SQL`` array) only, from
    their customers' first orders: right when none of ``ids`` is or was a
    first order (the first, hence the cohort of the customer's other orders,
    did not change). The cost of a refresh then does not grow with the
    customer's history, as :func:`customer_pass` does."""
    return SQL(
        """
UPDATE order_kpi_report f
   SET first_order = 0, repeat_order = f.confirmed::int,
       cohort_date = fi.first_date, cohort_age = %(age)s
  FROM order_kpi_report t LEFT JOIN %(first)s ON TRUE
 WHERE f.id = t.id AND t.id = ANY(%(ids)s) AND t.partner_id IS NOT NULL
""",
        age=COHORT_AGE,
        first=customer_first("t"),
        ids=ids,
    )
