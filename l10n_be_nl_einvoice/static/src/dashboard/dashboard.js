/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";

const CHANNEL_COLORS = ["#017e84", "#e9a23b", "#6f42c1", "#4c9ad8", "#d9534f", "#5cb85c"];

/**
 * What was invoiced and what was really sent, per month: "sent" comes from the
 * transmission ledger only; drafts and unsent invoices are a to-do list.
 */
export class EinvoiceDashboard extends Component {
    static template = "l10n_be_nl_einvoice.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, months: 12 });
        this.sentCanvas = useRef("sentChart");
        this.amountCanvas = useRef("amountChart");
        this.charts = [];
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onMounted(() => this.renderCharts());
        onWillUnmount(() => this.destroyCharts());
    }

    async load() {
        this.state.data = await this.orm.call("einvoice.dashboard", "figures", [], {
            months: this.state.months,
        });
    }

    async setMonths(ev) {
        this.state.months = parseInt(ev.target.value, 10);
        await this.load();
        this.renderCharts();
    }

    get current() {
        const months = this.state.data.months;
        return months[months.length - 1];
    }

    money(amount) {
        const { symbol, position, digits } = this.state.data.currency;
        const value = formatFloat(amount, { digits: [false, digits] });
        return position === "before" ? `${symbol} ${value}` : `${value} ${symbol}`;
    }

    sentBy(row) {
        return this.state.data.channels
            .filter((channel) => row.sent[channel.key])
            .map((channel) => `${channel.label}: ${row.sent[channel.key]}`)
            .join(", ");
    }

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    renderCharts() {
        this.destroyCharts();
        const data = this.state.data;
        const labels = data.months.map((row) => row.label);
        const used = data.channels.filter((channel) =>
            data.months.some((row) => row.sent[channel.key])
        );
        this.charts.push(
            new Chart(this.sentCanvas.el, {
                type: "bar",
                data: {
                    labels,
                    datasets: used.map((channel, index) => ({
                        label: channel.label,
                        data: data.months.map((row) => row.sent[channel.key] || 0),
                        backgroundColor: CHANNEL_COLORS[index % CHANNEL_COLORS.length],
                    })),
                },
                options: {
                    animation: false,
                    maintainAspectRatio: false,
                    scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
                },
            })
        );
        this.charts.push(
            new Chart(this.amountCanvas.el, {
                type: "bar",
                data: {
                    labels,
                    datasets: [
                        {
                            label: _t("Invoiced"),
                            data: data.months.map((row) => row.invoiced),
                            backgroundColor: "#017e84",
                        },
                        {
                            label: _t("Paid"),
                            data: data.months.map((row) => row.paid),
                            backgroundColor: "#5cb85c",
                        },
                        {
                            label: _t("Overdue"),
                            data: data.months.map((row) => row.overdue),
                            backgroundColor: "#d9534f",
                        },
                        {
                            label: _t("Credit notes"),
                            data: data.months.map((row) => row.credited),
                            backgroundColor: "#adb5bd",
                        },
                    ],
                },
                options: {
                    animation: false,
                    maintainAspectRatio: false,
                    scales: { y: { beginAtZero: true } },
                },
            })
        );
    }

    openMove(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "account.move",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openPlan(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "einvoice.recurring.plan",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openTransmission(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "einvoice.transmission",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openDrafts() {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Draft invoices"),
            res_model: "account.move",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [
                ["company_id", "=", this.state.data.company.id],
                ["move_type", "in", ["out_invoice", "out_refund"]],
                ["state", "=", "draft"],
            ],
        });
    }
}

registry.category("actions").add("einvoice_dashboard", EinvoiceDashboard);
