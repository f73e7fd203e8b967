import json
import logging
from urllib.parse import urlparse

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.order_tracking.tools import ui

from ..tools import webhook

_logger = logging.getLogger(__name__)

MAX_SECRET_LENGTH = 512
# the robots' card colour (Feishu) by severity
COLORS = {"high": "red", "medium": "orange", "low": "blue"}
# whom a group-responsible alert mentions at most
MAX_MENTIONS = 20


# One concern of the model per file (see docs/architecture.md).
# pylint: disable=consider-merging-classes-inherited
class OrderAlertRule(models.Model):
    """Where a rule's alerts are posted (SPEC NTF-1, NTF-2): a webhook that
    receives the alert as JSON, or a group robot of WeCom, DingTalk or
    Feishu in its own format, with a link to the order and the responsible
    @mentioned by mobile number where the robot allows it; DingTalk and
    Feishu robots signed with the rule's secret. The secret is write-only:
    kept in a column no field reads, never shown, logged or sent back."""

    _inherit = "order.alert.rule"

    webhook_url = fields.Char(
        string="Webhook URL",
        help="Every alert is posted to this address: a system that takes the alert as JSON, "
        "or a WeCom, DingTalk or Feishu group robot.",
    )
    webhook_format = fields.Selection(
        [
            ("json", "Alert as JSON"),
            ("robot", "Plain text robot"),
            ("wecom", "WeCom group robot"),
            ("dingtalk", "DingTalk group robot"),
            ("feishu", "Feishu group robot"),
        ],
        default="json",
        required=True,
        help="WeCom, DingTalk and Feishu: the robot's own card with a link to the order, the "
        "responsible @mentioned by their mobile number (WeCom and DingTalk). Plain text robot: "
        "the alert as one text message.",
    )
    webhook_secret = fields.Char(
        string="Signing Secret",
        compute="_compute_webhook_secret",
        inverse="_inverse_webhook_secret",
        search="_search_webhook_secret",
        copy=False,
        help="DingTalk and Feishu robots with signature verification: the robot's secret "
        "(DingTalk's starts with SEC). It is never shown again; type a new one to replace it.",
    )
    webhook_secret_set = fields.Boolean(
        string="Secret Set",
        compute="_compute_webhook_secret_set",
        search="_search_webhook_secret_set",
        compute_sudo=True,
    )

    def init(self):
        # the secret's column: not a field, so no read, search or export
        # reaches it (as res.users keeps its password)
        self.env.cr.execute(
            "ALTER TABLE order_alert_rule ADD COLUMN IF NOT EXISTS webhook_secret_value varchar"
        )

    # ------------------------------------------------------------------
    # The secret
    # ------------------------------------------------------------------

    def _compute_webhook_secret(self):
        # never read back
        self.webhook_secret = False

    def _search_webhook_secret(self, operator, value):
        raise UserError(
            self.env._("The signing secret cannot be searched; filter on “Secret Set”.")
        )

    def _search_webhook_secret_set(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("“Secret Set” is either true or false."))
        rows = self.env.execute_query(
            SQL("SELECT id FROM order_alert_rule WHERE webhook_secret_value IS NOT NULL")
        )
        wanted = value if operator == "=" else not value
        return [("id", "in" if wanted else "not in", [row[0] for row in rows])]

    def _compute_webhook_secret_set(self):
        stored = self._webhook_secrets()
        for rule in self:
            rule.webhook_secret_set = bool(stored.get(rule.id))

    def _inverse_webhook_secret(self):
        for rule in self:
            secret = (rule.webhook_secret or "").strip()
            if secret and rule.webhook_format not in webhook.SIGNED_FORMATS:
                raise ValidationError(
                    self.env._(
                        "Only DingTalk and Feishu robots sign their messages: “%(rule)s” is set "
                        "to “%(format)s”, which takes no secret.",
                        rule=rule.name,
                        format=rule._webhook_format_label(),
                    )
                )
            if len(secret) > MAX_SECRET_LENGTH:
                raise ValidationError(
                    self.env._(
                        "The signing secret of “%(rule)s” is %(length)s characters long; a "
                        "robot's secret has at most %(max)s.",
                        rule=rule.name,
                        length=len(secret),
                        max=MAX_SECRET_LENGTH,
                    )
                )
        secret_of = {rule.id: (rule.webhook_secret or "").strip() or None for rule in self}
        for rule_id, secret in secret_of.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE order_alert_rule SET webhook_secret_value = %s WHERE id = %s",
                    secret,
                    rule_id,
                )
            )
        self.invalidate_recordset(["webhook_secret_set"])

    def _webhook_secrets(self):
        """{rule id: its secret} of these rules that have one."""
        ids = [rule_id for rule_id in self.ids if rule_id]
        if not ids:
            return {}
        rows = self.env.execute_query(
            SQL(
                """SELECT id, webhook_secret_value FROM order_alert_rule
                    WHERE id = ANY(%s) AND webhook_secret_value IS NOT NULL""",
                ids,
            )
        )
        return dict(rows)

    def _webhook_format_label(self):
        self.ensure_one()
        labels = dict(self._fields["webhook_format"]._description_selection(self.env))
        return labels.get(self.webhook_format, self.webhook_format)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.constrains("webhook_url")
    def _check_webhook_url(self):
        for rule in self:
            if not rule.webhook_url:
                continue
            try:
                parsed = urlparse(rule.webhook_url.strip())
                port = parsed.port
            except ValueError:  # e.g. a port out of range
                parsed, port = None, None
            labels = parsed.hostname.split(".") if parsed and parsed.hostname else []
            if (
                not parsed
                or parsed.scheme not in ("http", "https")
                or not labels
                or not all(0 < len(label) <= 63 for label in labels)
                or port == 0
                or len(rule.webhook_url) > 2000
            ):
                raise ValidationError(
                    self.env._(
                        "The webhook URL “%(url)s” must be an http:// or https:// address.",
                        url=rule.webhook_url,
                    )
                )

    @api.constrains("webhook_format")
    def _check_webhook_secret_format(self):
        secrets = self._webhook_secrets()
        for rule in self:
            if secrets.get(rule.id) and rule.webhook_format not in webhook.SIGNED_FORMATS:
                raise ValidationError(
                    self.env._(
                        "“%(rule)s” keeps a signing secret, which only DingTalk and Feishu "
                        "robots use: clear the secret before choosing “%(format)s”.",
                        rule=rule.name,
                        format=rule._webhook_format_label(),
                    )
                )

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------

    def _webhook_message(self, alert):
        """``(data, note)``: what this rule posts for ``alert`` (a dict to
        send as JSON), in the language of the alert's company, and a note for
        the delivery log (who could not be mentioned), or ""."""
        self.ensure_one()
        fmt = self.webhook_format
        if fmt == "json":
            return alert._webhook_payload(), ""
        company = alert.company_id
        context = {
            "lang": company.partner_id.lang or "en_US",
            "tz": company.resource_calendar_id.tz or alert.user_id.tz or "UTC",
        }
        alert = alert.with_context(**context)
        rule = self.with_context(**context)
        if fmt == "robot":
            text = f"[{alert.severity}] {alert._title()}\n{alert._describe()}"
            return webhook.robot_payload(text), ""
        mentioned, missing = rule._webhook_mentions(alert)
        card = rule._webhook_card(alert, mentioned | missing)
        mobiles = [webhook.normalize_mobile(rule._webhook_mobile(u)) for u in mentioned]
        note = ""
        if missing:
            note = rule.env._(
                "Not mentioned, no mobile number: %(users)s",
                users=", ".join(missing.mapped("name")),
            )
            _logger.info("Alert %s: %s", alert.id, note)
        if fmt == "wecom":
            return webhook.wecom_message(card, mobiles), note
        if fmt == "dingtalk":
            return webhook.dingtalk_message(card, mobiles), note
        # Feishu's custom bots cannot mention by mobile: the card names them
        return webhook.feishu_message(card), ""

    def _webhook_mentions(self, alert):
        """``(users with a mobile number, users without)`` among those
        responsible for ``alert``: its assignee, else its group's members."""
        users = (
            alert.user_id
            or alert.group_id.users.filtered(lambda user: user.active and not user.share).sorted(
                "id"
            )[:MAX_MENTIONS]
        )
        with_mobile = users.filtered(
            lambda user: webhook.normalize_mobile(self._webhook_mobile(user))
        )
        return with_mobile, users - with_mobile

    def _webhook_mobile(self, user):
        return user.partner_id.mobile or user.partner_id.phone or ""

    def _webhook_card(self, alert, responsible):
        """The facts of ``alert`` as the robots show them, labels in the
        context's language."""
        _ = self.env._
        severities = dict(alert._fields["severity"]._description_selection(self.env))
        return {
            "title": alert._title(),
            "facts": [
                (_("Order"), alert.order_id.name or ""),
                (_("Customer"), alert.order_id.partner_id.display_name or ""),
                (_("Node"), alert.stage_id.name or alert.order_id.tracking_stage_id.name or ""),
                (_("Deadline"), alert._fmt(alert.due_at)),
                (_("Severity"), severities.get(alert.severity, alert.severity)),
                (_("Responsible"), ", ".join(responsible.mapped("name"))),
            ],
            "message": alert._describe(),
            "url": alert._webhook_payload()["url"],
            "link_label": _("Open the order"),
            "color": COLORS.get(alert.severity, "blue"),
        }

    def _webhook_test_card(self):
        _ = self.env._
        return {
            "title": _("Test message from Odoo: %(rule)s", rule=self.name),
            "facts": [(_("Alert rule"), self.name)],
            "message": _("If you read this, the alerts of this rule will reach this group."),
            "url": f"{self.get_base_url()}/odoo/action-order_alerts.order_alert_rule_action/"
            f"{self.id}",
            "link_label": _("Open the rule"),
            "color": "blue",
        }

    def action_send_test_webhook(self):
        """Post a test message to the rule's webhook now, signed as the
        alerts are; say what the robot answered."""
        self.ensure_one()
        if not self.webhook_url:
            raise UserError(self.env._("Give the rule a webhook URL first."))
        lang = self.company_id.partner_id.lang or self.env.company.partner_id.lang
        rule = self.with_context(lang=lang or self.env.lang)
        card = rule._webhook_test_card()
        data = {
            "json": lambda: {"event": "order.alert.test", "rule_id": self.id, "rule": self.name},
            "robot": lambda: webhook.robot_payload(f"{card['title']}\n{card['message']}"),
            "wecom": lambda: webhook.wecom_message(card, []),
            "dingtalk": lambda: webhook.dingtalk_message(card, []),
            "feishu": lambda: webhook.feishu_message(card),
        }[self.webhook_format]()
        url, payload = webhook.signed(
            self.webhook_format,
            self.webhook_url.strip(),
            json.dumps(data, ensure_ascii=False),
            self.sudo()._webhook_secrets().get(self.id),
        )
        ok, status, text, error = webhook.post(url, payload)
        if not ok:
            raise UserError(
                self.env._(
                    "The test message was not accepted: %(error)s %(answer)s",
                    error=error,
                    answer=webhook.redact(text)[:300],
                )
            )
        return ui.notification(
            self.env._("The test message was accepted (HTTP %(status)s).", status=status)
        )
