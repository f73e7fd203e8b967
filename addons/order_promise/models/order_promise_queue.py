import logging

import psycopg2.extensions

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.order_tracking.tools import transaction

_logger = logging.getLogger(__name__)

# products re-allocated per step of a run (committed after each in the cron)
QUEUE_BATCH = 500


class OrderPromiseQueue(models.Model):
    """What committed transactions touched, waiting to be re-allocated (SPEC
    PRM-3): a transaction that changes a product's supply or demand adds the
    product (and the orders it confirmed, cancelled or re-promised) here as
    it commits, and wakes the scheduled action that gives the product's
    supply to its open orders in priority moments later — so a receipt
    validated or rescheduled does not wait for fifty orders to be re-checked,
    nor lock them. Plain ids, no foreign keys: adding a row locks nothing;
    an id gone by the time it runs has nothing left to re-allocate."""

    _name = "order.promise.queue"
    _description = "Order Promise: Products and Orders to Re-allocate"
    _log_access = False

    product_id = fields.Integer(readonly=True)
    order_id = fields.Integer(readonly=True)

    @api.model
    def _promise_enqueue(self, product_ids, order_ids):
        """Add what a transaction touched and wake the scheduled action once
        it commits.

        Every transaction that touches a promise pays this, so it is one
        statement: the queue's rows and the scheduled action's trigger
        together (what ``ir.cron._trigger()`` writes, skipped as it skips it
        when the action is archived), where the ORM took three (the rows, the
        action's state, the trigger). The cron workers are woken after the
        commit, as ``_trigger()`` wakes them."""
        if not product_ids and not order_ids:
            return
        # the id from the registry's cache of XML ids: env.ref() would check
        # the record exists with one more query
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "order_promise.order_promise_queue_cron", raise_if_not_found=False
        )
        now = fields.Datetime.now()
        self.env["ir.cron"].flush_model(["active"])
        woken = self.env.execute_query(
            SQL(
                """WITH queued AS (
                       INSERT INTO order_promise_queue (product_id, order_id)
                       SELECT UNNEST(%(products)s::int[]), NULL
                        UNION ALL SELECT NULL, UNNEST(%(orders)s::int[])
                   )
                   INSERT INTO ir_cron_trigger
                          (cron_id, call_at, create_uid, create_date, write_uid, write_date)
                   SELECT id, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM ir_cron
                    WHERE id = %(cron)s AND active
                RETURNING id""",
                products=sorted(product_ids),
                orders=sorted(order_ids),
                now=now,
                uid=self.env.uid,
                cron=cron_id or 0,
            )
        )
        if woken:
            self.env.cr.postcommit.add(self.env["ir.cron"].browse(cron_id)._notifydb)

    @api.model
    def _promise_run(self):
        """Re-allocate what is waiting, a batch of products at a time; the
        orders touched are re-checked with the last batch. A batch that fails
        is logged and left to the nightly pass: it never blocks the queue."""
        rows = self.env.execute_query(
            SQL("DELETE FROM order_promise_queue RETURNING product_id, order_id")
        )
        products = sorted({product for product, _order in rows if product})
        orders = sorted({order for _product, order in rows if order})
        if not products and not orders:
            return 0
        Order = self.env["sale.order"].sudo()
        batches = [products[i : i + QUEUE_BATCH] for i in range(0, len(products), QUEUE_BATCH)]
        batches = batches or [[]]
        for index, batch in enumerate(batches):
            last = index == len(batches) - 1
            try:
                with self.env.cr.savepoint():
                    Order._promise_reallocate(batch, orders if last else ())
            except psycopg2.extensions.TransactionRollbackError:
                # an order of the batch changed since this transaction began
                # (or a deadlock was broken): queued again for the next run
                _logger.info("order_promise: orders changed concurrently; batch queued again")
                self._promise_enqueue(batch, orders if last else ())
            except Exception:  # noqa: BLE001 - the nightly pass repairs, the queue moves on
                _logger.exception(
                    "order_promise: products %s not re-allocated; the nightly pass will",
                    batch[:20],
                )
            transaction.commit_between_batches(self.env)
        self._promise_notify_progress(len(products) + len(orders))
        return len(products)

    @api.model
    def _promise_notify_progress(self, done):
        """Tell the scheduled action what is left: rows queued while it ran
        (or queued again) make it run once more at once. Their own wake-up
        would not: Odoo drops the triggers older than the end of a run."""
        remaining = self.env.execute_query(SQL("SELECT count(*) FROM order_promise_queue"))[0][0]
        self.env["ir.cron"]._notify_progress(done=max(done, 1), remaining=remaining)
