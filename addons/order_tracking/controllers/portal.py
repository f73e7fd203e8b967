from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal


class OrderTrackingPortal(CustomerPortal):
    @http.route(
        ["/my/orders/<int:order_id>/confirm_receipt"],
        type="http",
        auth="public",
        methods=["POST"],
    )
    def portal_order_confirm_receipt(self, order_id, access_token=None, note=None, **kw):
        """The customer confirms receipt of a fully shipped order (已签收)."""
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        signer = request.env.user.partner_id
        if request.env.user._is_public():
            signer = order_sudo.partner_id
        query = "message=receipt_confirmed"
        try:
            order_sudo.action_confirm_receipt(signed_by=signer.name, note=note or None)
        except UserError:
            query = "message=receipt_refused"
        url = order_sudo.get_portal_url(query_string=f"&{query}")
        return request.redirect(url)

    @http.route(
        ["/my/orders/<int:order_id>/status_report"],
        type="http",
        auth="public",
        methods=["GET"],
    )
    def portal_order_status_report(self, order_id, access_token=None, download=False, **kw):
        """The printable order status (timeline, promise ledger, sign-off) as a PDF."""
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=order_sudo,
            report_type="pdf",
            report_ref="order_tracking.action_report_order_status",
            download=download,
        )

    # -- customer statement (对账单) -------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "statement_count" in counters:
            values["statement_count"] = len(self._statement_companies())
        return values

    def _statement_customer(self):
        return request.env.user.partner_id.commercial_partner_id

    def _statement_companies(self):
        """The companies the customer has posted receivables with: one
        statement each."""
        groups = (
            request.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "=", self._statement_customer().id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                ],
                ["company_id"],
            )
        )
        return request.env["res.company"].sudo().union(*(company.root_id for [company] in groups))

    @http.route(["/my/statement"], type="http", auth="user", methods=["GET"], website=True)
    def portal_my_statement(self, date_from=None, date_to=None, company_id=None, **kw):
        """The customer's own statement: a period to choose, then the PDF."""
        Report = request.env["report.order_tracking.report_customer_statement"]
        companies = self._statement_companies()
        today = fields.Date.context_today(Report)
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="statement",
            companies=companies,
            company_id=companies[:1].id,
            date_from=fields.Date.to_string(today.replace(day=1)),
            date_to=fields.Date.to_string(today),
            error=False,
        )
        if not (date_from or date_to):
            return request.render("order_tracking.portal_my_statement", values)
        values.update(date_from=date_from or "", date_to=date_to or "")
        try:
            start = fields.Date.to_date(date_from)
            end = fields.Date.to_date(date_to)
            company = companies.filtered(lambda c: str(c.id) == str(company_id or companies[:1].id))
        except ValueError:
            start = end = None
        if not (start and end):
            values["error"] = request.env._("Please give the period as two dates.")
        elif not company:
            values["error"] = request.env._("You have no account with this company.")
        else:
            values["company_id"] = company.id
            try:
                return self._statement_pdf(company, start, end)
            except UserError as error:
                values["error"] = error.args[0]
        return request.render("order_tracking.portal_my_statement", values)

    def _statement_pdf(self, company, date_from, date_to):
        customer = self._statement_customer()
        content, kind = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            .with_context(lang=customer.lang or request.env.lang)
            ._render_qweb_pdf(
                "order_tracking.action_report_customer_statement",
                customer.ids,
                data={
                    "company_id": company.id,
                    "date_from": fields.Date.to_string(date_from),
                    "date_to": fields.Date.to_string(date_to),
                },
            )
        )
        # Odoo renders HTML instead of PDF when it runs its tests
        headers = [("Content-Length", len(content))]
        if kind == "pdf":
            filename = f"{customer.name} {date_from} {date_to}.pdf"
            headers += [
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", content_disposition(filename)),
            ]
        else:
            headers.append(("Content-Type", "text/html; charset=utf-8"))
        return request.make_response(content, headers=headers)
