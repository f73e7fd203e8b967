from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

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
