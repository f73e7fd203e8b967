from odoo import api, models

from ..tools import engine, history
from ..tools.nodes import OVERRIDE

# the open columns whose records Odoo's kanban loads (web's RelationalModel
# MAX_NUMBER_OPENED_GROUPS)
KANBAN_OPEN_COLUMNS = 10


# One concern of the model per file (Odoo's way: sale_stock, account): see
# docs/architecture.md.
# pylint: disable=consider-merging-classes-inherited
class SaleOrder(models.Model):
    """The status node of an order, derived from its facts through the node
    registry (``_tracking_nodes()``, models/sale_order_nodes.py): the
    extension points ``_tracking_stage_depends()``, ``_tracking_milestones()``
    and ``_tracking_checkpoint_holds()`` (extend them on ``sale.order`` with
    ``super()``), the walk (tools/engine.py) and the computes. The axes it
    reads are models/sale_order_lifecycle.py's; a node change is recorded by
    models/sale_order_recorder.py.

    ``sale.order`` inherits it; ``self`` is a recordset of orders."""

    _inherit = "sale.order"

    # -- the node: extension points --

    def _tracking_stage_depends(self):
        """Fields the node is derived from: what the nodes' facts depend on
        (``_tracking_nodes()``), the company and the passed checkpoints."""
        return ["company_id", "tracking_passed_stage_ids", *self._tracking_nodes().depends()]

    def _tracking_milestones(self):
        """The walk's view of the node registry (``_tracking_nodes()``, where
        nodes are declared and extended): ``{code: (kind, fact)}`` in the
        registry's order, ``kind`` being ``engine.PROGRESS`` (reached when the
        fact is met), ``engine.BLOCKING`` (holds the order while it is true)
        or ``nodes.OVERRIDE`` (replaces the walk while it is true). A fact is
        a function of one order returning True, False or None (does not
        apply)."""
        return self._tracking_node_registry()[1]

    def _tracking_override_code(self, milestones=None):
        """The override node whose fact holds (cancelled, returned), or False."""
        self.ensure_one()
        milestones = milestones or self._tracking_milestones()
        for code, (kind, fact) in milestones.items():
            if kind == OVERRIDE and fact(self):
                return code
        return False

    def _tracking_checkpoint_holds(self, stage):
        """Whether the manual node ``stage`` is a task that holds the order
        *at* it until passed (TRK-2): custom checkpoints (quality inspection,
        gift approval) are; once passed they step aside and the order shows
        the node its facts have reached (an inspected order waits in Ready
        for the warehouse again). A standard node switched to manual (e.g.
        Done closed by hand, 归档) names a fact, not a task: the order stays
        in the node before it until it is passed, then is in it. Override to
        change either."""
        return not stage.is_standard

    # -- the node: the walk and the computes --

    def _tracking_company_nodes(self):
        """(nodes, specs) of the order's company: its active nodes in sequence
        and their ``{stage id: (code, trigger mode, SLA hours, notifies)}``,
        from one look-up into the workers' cache of the nodes — taken once for
        a walk or a recording and passed down, not at every step."""
        specs = self.env["order.tracking.stage"]._get_company_stage_specs(self.company_id.id)
        return self.env["order.tracking.stage"].browse(tuple(specs)), specs

    def _tracking_company_nodes_by_company(self):
        """{company id: ``_tracking_company_nodes()``} of these orders."""
        nodes_of = {}
        for order in self:
            if order.company_id.id not in nodes_of:
                nodes_of[order.company_id.id] = order._tracking_company_nodes()
        return nodes_of

    def _tracking_stage_specs(self, stages, specs=None):
        """{stage id: (code, trigger mode, SLA hours, notifies)} of ``stages``,
        from ``specs`` (those of the order's company, looked up when not
        given); stages of other companies or inactive ones are read."""
        if specs is None:
            specs = self._tracking_company_nodes()[1]
        # ids, not records: called at every step of every node change
        missing = [stage_id for stage_id in stages._ids if stage_id not in specs]
        if missing:
            others = stages.browse(missing)
            specs = {**specs, **{stage.id: stage._tracking_spec() for stage in others}}
        return specs

    def _tracking_code_of(self, stage, specs=None):
        """The code of ``stage`` (a node of this order's company), read from
        the cache of the nodes (``specs``: see ``_tracking_stage_specs``)."""
        self.ensure_one()
        return self._tracking_stage_specs(stage, specs)[stage.id][0] if stage else False

    def _tracking_history_suppressed(self):
        """No event while our own installation computes the nodes of the
        orders that already exist (the post-init hook reconstructs their
        history): Odoo loads the module with ``module`` in the context and the
        registry not ready yet. A context key alone would let any RPC caller
        switch the history off."""
        return history.is_suppressed(self.env) or (
            self.env.context.get("module") == "order_tracking" and not self.env.registry.ready
        )

    def _tracking_steps(self, stages, milestones, specs=None):
        self.ensure_one()
        default = (engine.PROGRESS, lambda o: True)
        specs = self._tracking_stage_specs(stages, specs)
        for stage in stages:
            code, trigger_mode = specs[stage.id][:2]
            kind, milestone = milestones.get(code, default)
            if kind == OVERRIDE:
                continue
            state = milestone(self)
            if kind == engine.PROGRESS and trigger_mode == "manual":
                # the passed checkpoints are read only when the walk meets one
                passed = self.tracking_passed_stage_ids
                if self._tracking_checkpoint_holds(stage):
                    kind, state = engine.CHECKPOINT, (None if stage in passed else state)
                elif state and stage not in passed:
                    state = False
            yield stage, kind, state

    def _tracking_resolve(self, stages, milestones=None, specs=None):
        """Return (current, pending) nodes of one order among ``stages``
        (``specs``: see ``_tracking_stage_specs``)."""
        self.ensure_one()
        milestones = milestones or self._tracking_milestones()
        override = self._tracking_override_code(milestones)
        if override:
            specs = self._tracking_stage_specs(stages, specs)
            stage = stages.filtered(lambda s: specs[s.id][0] == override)[:1]
            if stage:
                return stage, stage.browse()
        current, pending = engine.resolve(self._tracking_steps(stages, milestones, specs))
        return current or stages[:1], pending or stages.browse()

    @api.depends(lambda self: self._tracking_stage_depends())
    def _compute_tracking_stage_id(self):
        nodes_of = self._tracking_company_nodes_by_company()
        milestones = self._tracking_milestones()
        for order in self:
            stages, specs = nodes_of[order.company_id.id]
            order.tracking_stage_id = order._tracking_resolve(stages, milestones, specs)[0]

    def _compute_field_value(self, field):
        # the history follows the node the way Odoo's mail tracking follows a
        # computed field (mail.thread hooks this same step): the compute only
        # computes, the ORM's compute step then records what changed
        result = super()._compute_field_value(field)
        if field.name == "tracking_stage_id":
            self._tracking_record_node_changes()
        return result

    def _tracking_record_node_changes(self):
        """One history event per order whose node just computed differs from
        the node of its last event (none while the history is suppressed; the
        orders only collected while an operation defers it)."""
        transitions = [
            (order, order.tracking_last_stage_id, order.tracking_stage_id)
            for order in self
            if isinstance(order.id, int)
            and order.tracking_stage_id
            and order.tracking_stage_id != order.tracking_last_stage_id
        ]
        if not transitions or self._tracking_history_suppressed():
            return
        if history.is_deferred(self.env):
            history.defer(self.env, (order.id for order, _previous, _stage in transitions))
        else:
            self._tracking_record_transitions(transitions)

    @api.depends("tracking_stage_id", "tracking_stage_id.code")
    def _compute_tracking_stage_code(self):
        # the code from the cache of the nodes: a node change reads no node
        nodes_of = self._tracking_company_nodes_by_company()
        for order in self:
            order.tracking_stage_code = order._tracking_code_of(
                order.tracking_stage_id, nodes_of[order.company_id.id][1]
            )

    @api.depends(lambda self: self._tracking_stage_depends())
    def _compute_tracking_checkpoint_id(self):
        milestones = self._tracking_milestones()
        for order in self:
            stages, specs = order._tracking_company_nodes()
            pending = order._tracking_resolve(stages, milestones, specs)[1]
            order.tracking_checkpoint_id = (
                pending
                if pending.trigger_mode == "manual"
                and not order._tracking_override_code(milestones)
                else False
            )

    @api.model
    def _read_group_tracking_stage_ids(self, stages, domain):
        """The board's columns: the nodes that hold orders, then the empty
        ones in sequence while there is room. Odoo's web client loads the
        orders of the first ten open columns only (an empty column counts):
        with every node shown, the last nodes' orders (paid, done, and more
        with the bridges' nodes) would never appear. Orders do not move by
        drag and drop (their node is computed), so an empty column is only
        a landmark."""
        every = stages.search([("company_id", "in", [*self.env.companies.ids, False])])
        room = max(KANBAN_OPEN_COLUMNS - len(stages.filtered(lambda s: not s.fold)), 0)
        empty = every - stages
        shown = stages | empty.filtered(lambda s: not s.fold)[:room] | empty.filtered("fold")
        return every & shown
