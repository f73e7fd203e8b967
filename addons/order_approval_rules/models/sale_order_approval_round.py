from markupsafe import Markup

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import UserError

from ..tools import evaluator

MAX_COMMENT = 10_000  # characters of a decision's comment or a rejection's reason


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """The approval rounds of an order and the decisions taken in them: a round
    starts when the order is submitted (one ``order.approval.request`` per
    matching rule, level by level), advances when a level is approved, ends
    approved (the order confirms) or rejected (back to quotation), and is
    re-opened level by level when an approved order changes beyond tolerance.

    ``sale.order`` inherits it; ``self`` is always a recordset of orders."""

    _inherit = "sale.order"

    # -- rounds and requests --

    def _approval_request_vals(self, evaluation, batch, excluded):
        """Values of one request of ``evaluation``'s rule for this order."""
        self.ensure_one()
        rule = self.env["order.approval.rule"].sudo().browse(evaluation["rule_id"])
        vals = {
            "order_id": self.id,
            "rule_id": rule.id,
            "round": self.approval_round,
            "level": rule.level,
            "mode": rule.mode,
            "sla_hours": rule.sla_hours,
            "requested_by_id": self.env.uid,
            "evaluation": evaluation,
        }
        # the facts the decision will be taken on, read now with the rule's
        # evaluation; kept current while the request is open (_approval_recheck)
        facts = batch.facts(self)
        vals["fingerprint"] = facts.fingerprint(rule._product_lines(facts))
        if rule.auto_approve:
            vals.update(
                {
                    "state": "approved",
                    "auto": True,
                    "decided_by_id": SUPERUSER_ID,
                    "decided_at": fields.Datetime.now(),
                    "comment": self.env._("Approved automatically: %(rule)s.", rule=rule.name),
                }
            )
            return vals
        approvers = rule._resolve_approvers(self, excluded)
        if not approvers:
            raise UserError(
                self.env._(
                    "Nobody can approve %(order)s for the rule “%(rule)s”: the rule names no "
                    "approver other than the salesperson or the requester, and no escalation "
                    "target. Ask an approval administrator to complete the rule.",
                    order=self.name,
                    rule=rule.name,
                )
            )
        vals.update({"state": "waiting", "approver_ids": [fields.Command.set(approvers.ids)]})
        return vals

    def _approval_excluded_users(self):
        """Segregation of duties: the salesperson and the requester."""
        self.ensure_one()
        return self.user_id | self.env.user

    def _approval_start_round(self, matched, batch):
        """A new round with a request per matching rule; opens level 1.
        Confirming is left to the caller."""
        self.ensure_one()
        self.approval_round += 1
        excluded = self._approval_excluded_users()
        # the rules' approvers read once for all the rules, not rule by rule
        self.env["order.approval.rule"].sudo().browse(
            [ev["rule_id"] for ev in matched]
        ).user_ids.mapped("active")
        vals_list = [self._approval_request_vals(ev, batch, excluded) for ev in matched]
        requests = self.env["order.approval.request"].sudo().create(vals_list)
        if requests:
            self._approval_log_note(
                self.env._(
                    "Submitted for approval (round %(round)s): %(rules)s.",
                    round=self.approval_round,
                    rules=", ".join(r._describe_rule_level() for r in requests),
                )
            )
        self._approval_advance()
        return requests

    def _approval_apply_plan(self, plan, batch):
        """Add the plan's requests to the current round (re-opened levels)."""
        self.ensure_one()
        excluded = self._approval_excluded_users() | self._approval_live_requests().requested_by_id
        vals_list = []
        for kind, evaluation, request, changes in plan:
            vals = self._approval_request_vals(evaluation, batch, excluded)
            if kind == "reopen":
                vals["reopened_from_id"] = request.id
                vals["reopen_reason"] = "; ".join(
                    self._approval_describe_changes(plan=[(kind, evaluation, request, changes)])
                )
            vals_list.append(vals)
        requests = self.env["order.approval.request"].sudo().create(vals_list)
        self._approval_log_note(
            self.env._(
                "Approval re-opened: %(changes)s.",
                changes="; ".join(self._approval_describe_changes(plan)),
            )
        )
        self._approval_advance()
        return requests

    def _approval_describe_changes(self, plan):
        labels = {
            evaluator.AMOUNT: self.env._("untaxed amount"),
            evaluator.DISCOUNT: self.env._("discount"),
            evaluator.PRODUCTS: self.env._("customised lines"),
            evaluator.LINES: self.env._("quantities"),
            evaluator.PARTNER: self.env._("customer"),
            evaluator.PAYMENT_TERM: self.env._("payment terms"),
        }
        texts = []
        Rule = self.env["order.approval.rule"].sudo()
        for kind, evaluation, _request, changes in plan:
            rule = Rule.browse(evaluation["rule_id"])
            if kind == "new":
                texts.append(self.env._("the rule “%(rule)s” now applies", rule=rule.name))
                continue
            for key, before, after in changes:
                if key == evaluator.AMOUNT:
                    texts.append(
                        self.env._(
                            "“%(rule)s”: %(what)s %(before)s → %(after)s (%(percent)s %%)",
                            rule=rule.name,
                            what=labels[key],
                            before=before,
                            after=after,
                            percent=evaluator.amount_change_percent(before, after),
                        )
                    )
                elif key == evaluator.DISCOUNT:
                    texts.append(
                        self.env._(
                            "“%(rule)s”: %(what)s %(before)s %% → %(after)s %%",
                            rule=rule.name,
                            what=labels[key],
                            before=before,
                            after=after,
                        )
                    )
                else:
                    texts.append(
                        self.env._("“%(rule)s”: %(what)s changed", rule=rule.name, what=labels[key])
                    )
        return texts

    def _approval_advance(self, grant=False):
        """Open the lowest level still waiting; with ``grant``, act on orders
        now fully approved (a decision was just taken)."""
        for order in self:
            live = order._approval_live_requests()
            open_requests = live.filtered(lambda r: r.state in ("waiting", "pending"))
            if open_requests:
                level = min(open_requests.mapped("level"))
                open_requests.filtered(
                    lambda r, level=level: r.level == level and r.state == "waiting"
                )._open()
            elif grant and live and order.approval_state == "approved":
                order._approval_on_granted()

    def _approval_on_granted(self):
        """Every approval of the round is granted."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            return
        if not self.approval_awaiting_confirm and not self.company_id.approval_confirm_on_grant:
            self.message_post(
                body=self.env._("Approved: the order can be confirmed."),
                subtype_xmlid="mail.mt_note",
                partner_ids=self.user_id.partner_id.ids,
            )
            return
        send_email = self.approval_awaiting_confirm
        order = self.with_context(send_email=send_email)
        if self._approval_fingerprints_hold():
            # the round was granted just now on the facts the order still has:
            # the confirmation evaluates no rule again (OCA's tier validation
            # neither); a change that reached the order past the write hooks
            # leaves it to the guard, which asks for approval again
            from .sale_order import OrderIds  # noqa: PLC0415 - sale_order imports this unit

            order = order.with_context(approval_checked=OrderIds(self.ids))
        try:
            with self.env.cr.savepoint():
                order.action_confirm()
        except UserError as error:
            self.message_post(
                body=self.env._(
                    "Approved, but the order could not be confirmed automatically: %(error)s",
                    error=str(error),
                ),
                subtype_xmlid="mail.mt_note",
                partner_ids=self.user_id.partner_id.ids,
            )
            return
        if self.approval_awaiting_confirm:
            self.approval_awaiting_confirm = False

    def _approval_fingerprints_hold(self):
        """Whether the order's facts still are those its approved requests
        were decided on (their fingerprints)."""
        self.ensure_one()
        facts = evaluator.FactsBatch(self).facts(self)
        tolerance = self.company_id.approval_amount_tolerance
        for request in self._approval_live_requests():
            if request.state != "approved" or request.auto:
                continue
            rule = request.rule_id
            if evaluator.changed_facts(
                request.fingerprint,
                facts.fingerprint(rule._product_lines(facts)),
                rule._fingerprint_keys(),
                tolerance,
            ):
                return False
        return True

    def _approval_log_note(self, body):
        """An internal note in the order's chatter, notifying nobody: logged
        in one insert (no follower lookup, no notification)."""
        self.ensure_one()
        return self._message_log(body=body, message_type="comment")

    def _approval_recheck(self):
        """After a change of an order under approval (or approved, not yet
        confirmed): re-open the levels whose facts changed, add new rules."""
        orders = self.filtered(
            lambda o: o.state in ("draft", "sent") and o.approval_state in ("pending", "approved")
        )
        if not orders:
            return
        orders = orders.sudo()
        results, batch = orders._approval_evaluate()
        for order in orders:
            matched = [ev for ev in results[order.id] if ev["matched"]]
            plan = order._approval_plan(matched, batch)
            if plan:
                order._approval_apply_plan(plan, batch)
            facts = batch.facts(order)
            for request in order._approval_live_requests().filtered(
                lambda r: r.state in ("waiting", "pending")
            ):
                vals = {}
                fresh = next((ev for ev in matched if ev["rule_id"] == request.rule_id.id), None)
                if fresh and fresh != request.evaluation:
                    vals["evaluation"] = fresh
                fingerprint = facts.fingerprint(request.rule_id._product_lines(facts))
                if fingerprint != request.fingerprint:
                    vals["fingerprint"] = fingerprint
                if vals:
                    request.write(vals)

    def _approval_park(self):
        """Orders accepted by the customer (signature, payment) that still
        need approval: submit them and mark them to confirm once approved.
        Returns the parked orders."""
        orders = self.filtered(lambda o: o.state in ("draft", "sent")).sudo()
        if not orders:
            return self.browse()
        assessment, batch = orders._approval_assess()
        parked = self.browse()
        for order in orders:
            status, payload = assessment[order.id]
            if status == "ok":
                continue
            if status == "auto":
                order._approval_start_round(payload, batch)
                continue
            order.approval_awaiting_confirm = True
            if status in ("required", "rejected"):
                order._approval_start_round(payload or [], batch)
            elif status == "changed":
                order._approval_apply_plan(payload, batch)
            if order.approval_state in ("approved", "not_required"):
                # nothing left to approve after all (e.g. the rules changed)
                order.approval_awaiting_confirm = False
                continue
            order.message_post(
                body=self.env._(
                    "Accepted by the customer: the order is waiting for approval and will "
                    "be confirmed as soon as it is approved."
                ),
                subtype_xmlid="mail.mt_note",
                partner_ids=order.user_id.partner_id.ids,
            )
            parked |= order
        return self.browse(parked.ids)

    # -- decisions --

    def _approval_decide(self, decision, comment=None, requests=None):
        """Record ``decision`` of the current user on what is theirs to decide
        at the current level of each order (``requests`` to narrow it down).
        ``self`` is sudo; the user is ``self.env.user``."""
        if comment is not None and comment is not False and not isinstance(comment, str):
            raise UserError(self.env._("The comment must be text."))
        comment = (comment or "").strip()
        if len(comment) > MAX_COMMENT:
            raise UserError(
                self.env._(
                    "The comment is too long (%(length)s characters, at most %(limit)s).",
                    length=len(comment),
                    limit=MAX_COMMENT,
                )
            )
        if decision == "reject" and not comment:
            raise UserError(self.env._("Give the reason of the rejection."))
        user = self.env.user
        Decision = self.env["order.approval.decision"].sudo()
        for order in self:
            round_requests = order.approval_request_ids.filtered(
                lambda r, order=order: r.round == order.approval_round
            )
            round_requests._lock()
            pending = order._approval_live_requests().filtered(lambda r: r.state == "pending")
            if requests is not None:
                pending &= requests
            if not pending:
                raise UserError(
                    self.env._(
                        "%(order)s has no approval waiting for a decision.", order=order.name
                    )
                )
            roles = {}
            for request in pending:
                role = request._decider_role(user, raise_=False)
                if role:
                    roles[request] = role
            if not roles:
                pending[:1]._decider_role(user)  # raises the precise error
            now = fields.Datetime.now()
            Decision.create(
                [
                    {
                        "request_id": request.id,
                        "order_id": order.id,
                        "company_id": order.company_id.id,
                        "user_id": user.id,
                        "on_behalf_of_id": who.id if kind != "escalation" else False,
                        "decision": decision,
                        "comment": comment or False,
                        "date": now,
                        "escalation": kind == "escalation",
                    }
                    for request, (kind, who) in roles.items()
                ]
            )
            final = {request for request in roles if decision == "reject" or request._is_complete()}
            if decision == "approve" and order._approval_grants(final):
                # the order stays in To Approve until it is confirmed right
                # after, instead of passing through Quotation
                order.approval_confirming = True
            for request, (kind, who) in roles.items():
                if request not in final:
                    request.write({"last_decision_at": now})
                    request._close_activities(users=user | who)
                    continue
                request._close_activities()
                vals = {
                    "state": "approved" if decision == "approve" else "rejected",
                    "decided_by_id": user.id,
                    "delegated_from_id": who.id if kind == "delegate" else False,
                    "decided_at": now,
                    "comment": comment or False,
                    "last_decision_at": now,
                }
                if not request.fingerprint:  # a request opened before fingerprints were kept
                    facts = evaluator.FactsBatch(order).facts(order)
                    vals["fingerprint"] = facts.fingerprint(request.rule_id._product_lines(facts))
                request.write(vals)
            order._approval_log_decision(decision, roles, comment)
            if decision == "reject":
                order._approval_close_round()
            else:
                order._approval_advance(grant=True)
            if order.approval_confirming:
                order.approval_confirming = False
        return True

    def _approval_grants(self, final):
        """Whether completing the requests ``final`` approves the whole round
        and the order then confirms by itself."""
        self.ensure_one()
        if not all(
            request in final or request.state == "approved"
            for request in self._approval_live_requests()
        ):
            return False
        return self.approval_awaiting_confirm or self.company_id.approval_confirm_on_grant

    def _approval_log_decision(self, decision, roles, comment):
        self.ensure_one()
        user = self.env.user
        parts = []
        for request, (kind, who) in roles.items():
            text = self.env._(
                "%(rule)s (level %(level)s, %(progress)s)",
                rule=request.rule_id.name,
                level=request.level,
                progress=request.approval_progress,
            )
            if kind == "delegate":
                text += " " + self.env._("on behalf of %(approver)s", approver=who.name)
            elif kind == "escalation":
                text += " " + self.env._("as escalation target")
            parts.append(text)
        if decision == "approve":
            body = self.env._(
                "Approved by %(user)s: %(what)s.", user=user.name, what="; ".join(parts)
            )
        else:
            body = self.env._(
                "Rejected by %(user)s: %(what)s.", user=user.name, what="; ".join(parts)
            )
        if comment:
            body = Markup("%s<br/>%s") % (body, comment)
        self._approval_log_note(body)

    def _approval_close_round(self):
        """A rejection ends the round: the rest is cancelled, the order goes
        back to quotation and the salesperson is told."""
        self.ensure_one()
        rest = self._approval_live_requests().filtered(lambda r: r.state in ("waiting", "pending"))
        if rest:
            rest._close_activities()
            rest.write({"state": "cancelled"})
        self.approval_awaiting_confirm = False
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.user_id.id,
                summary=self.env._("Approval rejected: revise %(order)s", order=self.name),
            )
