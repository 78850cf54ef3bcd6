export const id = 178;
export const ids = [178];
export const modules = {

/***/ 52671:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ throwIfCancelled),
/* harmony export */   i: () => (/* binding */ isCancellation)
/* harmony export */ });
/** Call before anything that starts work in the org. */
function throwIfCancelled(ctx) {
    if (ctx.signal?.aborted)
        throw ctx.signal.reason;
}
/** Is `e` the run's cancellation (rethrow it) rather than a failure of the measurement? */
function isCancellation(ctx, e) {
    if (ctx.signal?.aborted !== true)
        return false;
    return e === ctx.signal.reason || (e instanceof Error && e.name === 'CancelledError');
}


/***/ }),

/***/ 54908:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ describeMeasurement)
/* harmony export */ });
/* harmony import */ var _registry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(10619);

function describeMeasurement(m, kit) {
    const own = (0,_registry_js__WEBPACK_IMPORTED_MODULE_0__/* .findCheckKind */ .m8)(m.kind)?.describe?.(m, kit);
    if (own !== undefined)
        return own;
    if (m.message)
        return kit.text(m.message, 200);
    const measured = pairs(m.measured ?? {}, kit);
    const expected = pairs(m.expected ?? {}, kit);
    return expected ? `${measured} vs ${expected}` : measured || '—';
}
function pairs(o, kit) {
    return Object.entries(o)
        .map(([k, v]) => `${kit.text(k)} ${kit.number(v)}`)
        .join(', ');
}


/***/ }),

/***/ 10619:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  N1: () => (/* binding */ checkKindNames),
  m8: () => (/* binding */ findCheckKind)
});

// UNUSED EXPORTS: registerCheckKind, unregisterCheckKind

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(92857);
// EXTERNAL MODULE: ./src/genesys/errors.ts
var errors = __webpack_require__(95987);
// EXTERNAL MODULE: ./src/fields/schema.ts
var schema = __webpack_require__(61426);
// EXTERNAL MODULE: ./src/checks/cancel.ts
var cancel = __webpack_require__(52671);
;// CONCATENATED MODULE: ./src/checks/types.ts
/** Identity, for type inference: `export const myKind = defineCheckKind<MySpec, MyYaml>({ ... })`. */
function defineCheckKind(kind) {
    return kind;
}

;// CONCATENATED MODULE: ./src/checks/kinds/analytics.ts
// `kind: analytics` — the flow-outcome failure rate of each new version since it went live, from the analytics flow
// aggregates, against a maximum (and optionally against the previous version's rate). Too few outcomes is
// "inconclusive", which fails unless the manifest says pass-with-warning.





const DEFAULTS = { minSamples: 20, onInsufficientData: 'fail' };
const analytics_schema = schemas/* strictObject */.rej({
    kind: schemas/* literal */.euz('analytics'),
    metric: schemas/* enum */.k5n(['outcome-failure-rate']),
    flows: schemas/* array */.YOg(schema/* name */.UU).min(1, 'list at least one flow, or omit flows to measure every flow of the stage').optional(),
    max: schema/* ratio */.CG,
    'min-samples': schemas/* number */.aig().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000).optional(),
    'on-insufficient-data': schemas/* enum */.k5n(['fail', 'pass-with-warning']).optional(),
    'compare-to-previous': schemas/* strictObject */.rej({ 'max-increase': schema/* ratio */.CG }).optional()
});
/** Flows per aggregates query: one query per check round for a stage, split only for very large stages. */
const ANALYTICS_FLOWS_PER_QUERY = 50;
const analyticsCheck = defineCheckKind({
    kind: 'analytics',
    schema: analytics_schema,
    defaults: DEFAULTS,
    toSpec: (checkName, d) => ({
        kind: 'analytics',
        name: checkName,
        metric: d.metric,
        ...(d.flows ? { flows: d.flows } : {}),
        max: d.max,
        minSamples: d['min-samples'] ?? DEFAULTS.minSamples,
        onInsufficientData: d['on-insufficient-data'] ?? DEFAULTS.onInsufficientData,
        ...(d['compare-to-previous']
            ? { compareToPrevious: { maxIncrease: d['compare-to-previous']['max-increase'] } }
            : {})
    }),
    validate(spec, v) {
        spec.flows?.forEach((f, j) => v.flow(['flows', j], f));
        return spec;
    },
    run: (ctx, spec, round) => measureRound(ctx, spec, round),
    describe: describeAnalytics
});
/** "failure rate 0.12 > max 0.05 (140 samples)", "insufficient data: 3 samples < min 20". */
function describeAnalytics(c, kit) {
    const m = c.measured ?? {};
    const x = c.expected ?? {};
    const rate = m.failureRate ?? m.rate ?? m.value;
    const samples = m.samples;
    const max = x.max;
    const minSamples = x.minSamples;
    if (typeof samples === 'number' && typeof minSamples === 'number' && samples < minSamples) {
        return `insufficient data: ${samples} samples < min ${minSamples}${c.result === 'pass-with-warning' ? ' (passed with warning)' : ''}`;
    }
    if (typeof rate === 'number' && typeof max === 'number') {
        const prev = m.previousFailureRate;
        const text = `failure rate ${kit.number(rate)} ${rate > max ? '>' : '≤'} max ${kit.number(max)}` +
            (typeof samples === 'number'
                ? ` (${samples} samples${typeof prev === 'number' ? `, previous ${kit.number(prev)}` : ''})`
                : '');
        // Failed although under the max: the comparison with the previous version failed; the message says how.
        return c.result === 'fail' && rate <= max && c.message ? `${text}; ${kit.text(c.message, 200)}` : text;
    }
    // No rate (query failed, flow not live): the engine's message is the measurement.
    return undefined;
}
function sumMetric(res, flowId, version, metric, single) {
    let total;
    for (const r of res.results ?? []) {
        if (r.group?.flowVersion !== version)
            continue;
        // Grouped by flowId too; a response without the flowId group can only be attributed when one flow was asked.
        if (r.group?.flowId !== undefined ? r.group.flowId !== flowId : !single)
            continue;
        for (const d of r.data ?? []) {
            for (const m of d.metrics) {
                if (m.metric !== metric)
                    continue;
                total = (total ?? 0) + (m.stats.count ?? m.stats.sum ?? 0);
            }
        }
    }
    return total;
}
/** The aggregates query for several flows: `or` over their ids inside the `and`, grouped by flow and version. */
function aggregatesQuery(flowIds, interval) {
    // The `and` holds only the `or` clause (an empty predicates list is left out, as the API's own examples do).
    const filter = {
        type: 'and',
        clauses: [{ type: 'or', predicates: flowIds.map((value) => ({ dimension: 'flowId', value })) }]
    };
    return { interval, groupBy: ['flowId', 'flowVersion'], filter, metrics: ['nFlowOutcome', 'nFlowOutcomeFailed'] };
}
function expectedOf(check) {
    const expected = {
        metric: check.metric,
        max: check.max,
        minSamples: check.minSamples,
        onInsufficientData: check.onInsufficientData
    };
    if (check.compareToPrevious)
        expected.compareToPrevious = check.compareToPrevious;
    return expected;
}
/** One measurement per flow, in the order the flows are listed; one aggregates query per batch of live flows. */
async function measureRound(ctx, check, r) {
    const expected = expectedOf(check);
    const names = check.flows ?? r.stage.flows;
    const byName = new Map();
    const liveFlows = [];
    for (const flowName of names) {
        const flow = r.live.get(flowName);
        if (flow)
            liveFlows.push(flow);
        else
            byName.set(flowName, {
                check: check.name,
                kind: 'analytics',
                round: r.round,
                expected,
                flow: flowName,
                result: 'inconclusive',
                measured: {},
                message: `Flow "${flowName}" is not live; no analytics.`
            });
    }
    // The platform publishes before we observe it, and analytics intervals are minute-aligned: start a minute early.
    // Grouping by flowVersion keeps the older version's traffic out of the new version's figures, so one interval from
    // the earliest publish of the batch measures every new version exactly as a query of its own would.
    const sinceOf = (f) => Math.floor(((f.publishedAt ?? r.stageStartedAt) - 60_000) / 60_000) * 60_000;
    for (let i = 0; i < liveFlows.length; i += ANALYTICS_FLOWS_PER_QUERY) {
        const batch = liveFlows.slice(i, i + ANALYTICS_FLOWS_PER_QUERY);
        const since = Math.min(...batch.map(sinceOf));
        const end = Math.max(ctx.clock.now(), since + 1000);
        const interval = `${new Date(since).toISOString()}/${new Date(end).toISOString()}`;
        let res;
        let error;
        try {
            res = await ctx.api.queryFlowAggregates(aggregatesQuery([...new Set(batch.map((f) => f.flowId))], interval));
        }
        catch (e) {
            if ((0,cancel/* isCancellation */.i)(ctx, e))
                throw e;
            error = (0,errors/* errorText */.kc)(e);
        }
        const window = { interval, res, error, single: batch.length === 1 };
        for (const flow of batch)
            byName.set(flow.name, measureFlow(check, r.round, expected, flow, window));
    }
    return names.map((n) => byName.get(n)).filter(Boolean);
}
function measureFlow(check, round, expected, flow, w) {
    const { interval, res, single } = w;
    const flowName = flow.name;
    const base = { check: check.name, kind: 'analytics', round, expected, flow: flowName };
    if (!res) {
        return {
            ...base,
            result: 'fail',
            measured: { interval, flowId: flow.flowId, flowVersion: flow.version },
            message: `Analytics query for "${flowName}" failed: ${w.error ?? 'no response'}`
        };
    }
    const samples = sumMetric(res, flow.flowId, flow.version, 'nFlowOutcome', single) ?? 0;
    const failed = sumMetric(res, flow.flowId, flow.version, 'nFlowOutcomeFailed', single) ?? 0;
    const measured = {
        interval,
        flowId: flow.flowId,
        flowVersion: flow.version,
        samples,
        failed,
        failureRate: samples > 0 ? failed / samples : null
    };
    if (samples < check.minSamples || samples === 0) {
        const warn = check.onInsufficientData === 'pass-with-warning';
        return {
            ...base,
            result: warn ? 'pass-with-warning' : 'inconclusive',
            measured,
            message: `Insufficient data for "${flowName}" v${flow.version}: ${samples} flow outcome(s), at least ${check.minSamples} needed` +
                (warn ? ' — passing with a warning as configured.' : ' — treated as a failure (on-insufficient-data: fail).')
        };
    }
    const rate = failed / samples;
    let ok = rate <= check.max;
    let message = `"${flowName}" v${flow.version}: outcome failure rate ${rate.toFixed(4)} (${failed}/${samples}), max ${check.max}`;
    if (check.compareToPrevious && flow.previousVersion) {
        const prevSamples = sumMetric(res, flow.flowId, flow.previousVersion, 'nFlowOutcome', single) ?? 0;
        const prevFailed = sumMetric(res, flow.flowId, flow.previousVersion, 'nFlowOutcomeFailed', single) ?? 0;
        measured.previousVersion = flow.previousVersion;
        measured.previousSamples = prevSamples;
        if (prevSamples > 0) {
            const prevRate = prevFailed / prevSamples;
            measured.previousFailureRate = prevRate;
            const limit = prevRate + check.compareToPrevious.maxIncrease;
            if (rate > limit)
                ok = false;
            message += `; previous v${flow.previousVersion} ${prevRate.toFixed(4)} (allowed up to ${limit.toFixed(4)})`;
        }
        else {
            message += `; previous v${flow.previousVersion} had no outcomes in the window (comparison skipped)`;
        }
    }
    return { ...base, result: ok ? 'pass' : 'fail', measured, message: `${message}.` };
}

// EXTERNAL MODULE: ./src/genesys/wait.ts
var wait = __webpack_require__(95333);
// EXTERNAL MODULE: ./src/fields/duration.ts
var duration = __webpack_require__(53793);
// EXTERNAL MODULE: ./src/fields/placeholders.ts
var placeholders = __webpack_require__(5659);
// EXTERNAL MODULE: ./src/checks/text.ts
var checks_text = __webpack_require__(5242);
;// CONCATENATED MODULE: ./src/checks/kinds/execution.ts
// `kind: execution` — launch a workflow of this release with a synthetic input and expect it to end with a status
// (and outputs). The workflow must be a flow of the manifest; `{{run}}`-style built-ins in the input make each
// synthetic run distinguishable.









const STATUSES = ['COMPLETED', 'FAILED', 'ERROR', 'TERMINATED'];
const TERMINAL = new Set(STATUSES);
const execution_DEFAULTS = { input: {}, status: 'COMPLETED', timeoutMs: 60_000 };
const execution_schema = schemas/* strictObject */.rej({
    kind: schemas/* literal */.euz('execution'),
    flow: schema/* name */.UU,
    input: schema/* jsonObject */.o$.optional(),
    expect: schemas/* strictObject */.rej({ status: schemas/* enum */.k5n(STATUSES).optional(), output: schema/* jsonObject */.o$.optional() }).optional(),
    timeout: (0,schema/* durationWithin */.oe)(1000, 3_600_000, 'timeout').optional()
});
/** Does `actual` contain every key of `expected` with an equal (recursively subset-equal) value? */
function isSubset(expected, actual) {
    if (expected === null || typeof expected !== 'object')
        return Object.is(expected, actual) || expected === actual;
    if (actual === null || typeof actual !== 'object')
        return false;
    if (Array.isArray(expected)) {
        return (Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => isSubset(v, actual[i])));
    }
    return Object.entries(expected).every(([k, v]) => isSubset(v, actual[k]));
}
const executionCheck = defineCheckKind({
    kind: 'execution',
    schema: execution_schema,
    defaults: execution_DEFAULTS,
    toSpec: (checkName, d) => ({
        kind: 'execution',
        name: checkName,
        flow: d.flow,
        input: d.input ?? { ...execution_DEFAULTS.input },
        expect: { status: d.expect?.status ?? execution_DEFAULTS.status, ...(d.expect?.output ? { output: d.expect.output } : {}) },
        timeoutMs: d.timeout ?? execution_DEFAULTS.timeoutMs
    }),
    validate(spec, v) {
        const target = v.flow(['flow'], spec.flow);
        if (target && target.type !== 'workflow') {
            v.report(['flow'], `execution checks launch workflows, but '${spec.flow}' has type ${target.type}`, 'target a flow of type workflow, or use an analytics check for this flow');
        }
        const input = toJson(spec.input, ['input'], v);
        if (spec.expect.output)
            toJson(spec.expect.output, ['expect', 'output'], v);
        return { ...spec, input };
    },
    run: (ctx, spec, { round, live }) => measure(ctx, spec, round, live.get(spec.flow)),
    describe: (m, kit) => (0,checks_text/* describeStatus */.W)('status', m, kit)
});
/**
 * Replaces built-ins such as `{{run}}` in every string of the input (so synthetic runs are distinguishable) and
 * refuses values that do not survive JSON (non-finite numbers): the input is sent as JSON.
 */
function toJson(v, p, check) {
    const { builtins } = check;
    if (typeof v === 'string') {
        return v.replace(placeholders/* PLACEHOLDER */.K, (whole, key) => {
            if (Object.hasOwn(builtins, key))
                return builtins[key] ?? whole;
            const known = Object.keys(builtins).map((k) => `{{${k}}}`);
            check.report(p, `placeholder {{${key}}} is not a built-in`, `use one of ${known.join(', ') || '(none)'} or a literal value`);
            return whole;
        });
    }
    if (typeof v === 'number') {
        if (!Number.isFinite(v))
            check.report(p, `${String(v)} cannot be sent as JSON`, 'use a finite number or a string');
        return v;
    }
    if (v === null || typeof v === 'boolean')
        return v;
    if (Array.isArray(v))
        return v.map((x, i) => toJson(x, [...p, i], check));
    if (typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x, [...p, k], check)]));
    }
    check.report(p, `${(0,duration/* describe */.q0)(v)} cannot be sent as JSON`, 'use strings, numbers, booleans, lists and mappings');
    return v;
}
function execution_expectedOf(check) {
    const expected = { status: check.expect.status };
    if (check.expect.output)
        expected.output = check.expect.output;
    return expected;
}
async function measure(ctx, check, round, flow) {
    const base = { check: check.name, kind: 'execution', round, expected: execution_expectedOf(check), flow: check.flow };
    if (!flow) {
        const message = `Flow "${check.flow}" is not live (not released or removed), so it cannot be executed.`;
        return [{ ...base, result: 'inconclusive', measured: {}, message }];
    }
    const started = ctx.clock.now();
    let executionId;
    try {
        const launched = await ctx.api.launchExecution({
            flowId: flow.flowId,
            flowVersion: flow.version,
            inputData: check.input,
            name: `flow-release ${ctx.releaseId} ${check.name} round ${round}`.slice(0, 200)
        });
        executionId = launched.id;
        const exec = await (0,wait/* waitFor */.fm)({
            what: 'execution',
            id: launched.id,
            poll: () => ctx.api.getExecution(launched.id),
            done: (x) => TERMINAL.has(x.status),
            state: (x) => x.status,
            clock: ctx.clock,
            log: ctx.log,
            deadlineMs: check.timeoutMs,
            signal: ctx.signal,
            expectedLatencyMs: 1000
        });
        return [{ ...base, ...verdict(check, flow, exec, launched, ctx.clock.now() - started) }];
    }
    catch (e) {
        if ((0,cancel/* isCancellation */.i)(ctx, e))
            throw e;
        return [{ ...base, ...failure(check, flow, e, executionId, ctx.clock.now() - started) }];
    }
}
function verdict(check, flow, exec, launched, durationMs) {
    const measured = {
        executionId: exec.id,
        flowId: flow.flowId,
        flowVersion: exec.flowVersion?.id ?? launched.flowVersion?.id ?? flow.version,
        status: exec.status,
        durationMs
    };
    if (exec.outputData)
        measured.output = exec.outputData;
    if (exec.completionReason)
        measured.completionReason = exec.completionReason;
    if (exec.flowErrorInfo?.message)
        measured.error = exec.flowErrorInfo.message;
    const statusOk = exec.status === check.expect.status;
    const outputOk = !check.expect.output || isSubset(check.expect.output, exec.outputData ?? {});
    const why = !statusOk
        ? `ended ${exec.status}, expected ${check.expect.status}${exec.flowErrorInfo?.message ? ` (${exec.flowErrorInfo.message})` : ''}`
        : !outputOk
            ? `output ${JSON.stringify(exec.outputData ?? {})} does not contain ${JSON.stringify(check.expect.output)}`
            : `ended ${exec.status} with the expected output`;
    return {
        result: statusOk && outputOk ? 'pass' : 'fail',
        measured,
        message: `Execution ${exec.id} of "${flow.name}" v${flow.version} ${why}.`
    };
}
function failure(check, flow, e, executionId, durationMs) {
    const timedOut = e instanceof wait/* WaitTimeoutError */.Do;
    return {
        result: 'fail',
        measured: {
            executionId,
            flowId: flow.flowId,
            flowVersion: flow.version,
            status: timedOut ? e.lastState : 'not launched',
            durationMs,
            timedOut: timedOut || undefined
        },
        message: timedOut
            ? `Execution ${executionId} of "${flow.name}" did not finish within ${check.timeoutMs / 1000} s (last status ${e.lastState}).`
            : `Execution check on "${flow.name}" failed: ${(0,errors/* errorText */.kc)(e)}`
    };
}

;// CONCATENATED MODULE: ./src/checks/kinds/http.ts
// `kind: http` — GET a URL (a status page, a dependency's health endpoint) and expect a status (and a body text).





const http_DEFAULTS = { expectStatus: 200, timeoutMs: 10_000 };
const http_schema = schemas/* strictObject */.rej({
    kind: schemas/* literal */.euz('http'),
    url: schemas/* string */.YjP()
        .max(2000)
        .refine((u) => {
        try {
            const p = new URL(u).protocol;
            return p === 'https:' || p === 'http:';
        }
        catch {
            return false;
        }
    }, 'must be an absolute http(s) URL'),
    'expect-status': schemas/* number */.aig().int('must be a whole number').min(100).max(599).optional(),
    'expect-body': schemas/* string */.YjP().optional(),
    timeout: (0,schema/* durationWithin */.oe)(1000, 600_000, 'timeout').optional()
});
const httpCheck = defineCheckKind({
    kind: 'http',
    schema: http_schema,
    defaults: http_DEFAULTS,
    toSpec: (checkName, d) => ({
        kind: 'http',
        name: checkName,
        url: d.url,
        expectStatus: d['expect-status'] ?? http_DEFAULTS.expectStatus,
        ...(d['expect-body'] !== undefined ? { expectBody: d['expect-body'] } : {}),
        timeoutMs: d.timeout ?? http_DEFAULTS.timeoutMs
    }),
    run: (ctx, spec, { round }) => probe(ctx, spec, round),
    describe: (m, kit) => (0,checks_text/* describeStatus */.W)('HTTP', m, kit)
});
async function probe(ctx, check, round) {
    const expected = { status: check.expectStatus };
    if (check.expectBody !== undefined)
        expected.bodyContains = check.expectBody;
    const base = { check: check.name, kind: 'http', round, expected };
    const started = ctx.clock.now();
    try {
        const res = await ctx.httpGet(check.url, check.timeoutMs);
        const bodyOk = check.expectBody === undefined || res.body.includes(check.expectBody);
        const ok = res.status === check.expectStatus && bodyOk;
        const measured = {
            url: check.url,
            status: res.status,
            durationMs: ctx.clock.now() - started
        };
        if (check.expectBody !== undefined)
            measured.bodyContains = bodyOk;
        return [
            {
                ...base,
                result: ok ? 'pass' : 'fail',
                measured,
                message: `GET ${check.url} → ${res.status}${check.expectBody !== undefined ? `, body ${bodyOk ? 'contains' : 'lacks'} "${check.expectBody}"` : ''}.`
            }
        ];
    }
    catch (e) {
        return [
            {
                ...base,
                result: 'fail',
                measured: { url: check.url, error: (0,errors/* errorText */.kc)(e) },
                message: `GET ${check.url} failed: ${(0,errors/* errorText */.kc)(e)}`
            }
        ];
    }
}

;// CONCATENATED MODULE: ./src/checks/registry.ts
// The check kinds this action knows: one line per built-in kind. The manifest loader, the bake's round runner, the
// summary and the audit find a kind here by its `kind:` name. Kinds can also be registered at run time (a plug-in,
// a test), and removed again.



const kinds = new Map();
/** Adds a kind; returns a function that removes it again. A kind name can be registered once. */
function registerCheckKind(kind) {
    if (kinds.has(kind.kind))
        throw new Error(`check kind '${kind.kind}' is already registered`);
    kinds.set(kind.kind, kind);
    return () => unregisterCheckKind(kind.kind);
}
function unregisterCheckKind(name) {
    return kinds.delete(name);
}
function findCheckKind(name) {
    return kinds.get(name);
}
/** The registered kind names, built-ins first, in registration order (for "kind is one of ..."). */
function checkKindNames() {
    return [...kinds.keys()];
}
/** The built-in kinds, one line each. */
const BUILT_IN = [executionCheck, analyticsCheck, httpCheck];
for (const kind of BUILT_IN)
    registerCheckKind(kind);


/***/ }),

/***/ 5242:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ PLAIN_TEXT),
/* harmony export */   W: () => (/* binding */ describeStatus)
/* harmony export */ });
/**
 * "status FAILED ≠ expected COMPLETED", "HTTP 503 ≠ expected 200": for kinds whose measurement has a `status` and an
 * expected `status`. A failure with the expected status (e.g. a missing output) adds the message that says why.
 */
function describeStatus(label, m, kit) {
    const measured = m.measured ?? {};
    const expected = m.expected ?? {};
    if (measured.status === undefined || expected.status === undefined)
        return undefined;
    const same = String(measured.status) === String(expected.status);
    const out = `${label} ${kit.number(measured.status)} ${same ? '=' : '≠'} expected ${kit.number(expected.status)}`;
    return m.result === 'fail' && same && m.message ? `${out}; ${kit.text(m.message, 200)}` : out;
}
/** Values as they are, for the audit (a JSON document: no escaping, no truncation). */
const PLAIN_TEXT = {
    text: (value) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)),
    number: (value) => typeof value !== 'number' || !Number.isFinite(value)
        ? PLAIN_TEXT.text(typeof value === 'object' ? JSON.stringify(value) : value)
        : String(Number.isInteger(value) ? value : Number(value.toPrecision(4)))
};


/***/ }),

/***/ 6800:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ redactor)
/* harmony export */ });
/* unused harmony export Redactor */
// The one redaction layer: every string that leaves the process (logs, journal, audit, summary, outputs, errors)
// can pass through `redact`. Known secrets are registered as soon as they exist; patterns catch the rest.
// `redact` is on the hot path (every log line, every journal string and key), so it allocates nothing for text that
// contains no secret: the secret list is sorted once per registration, not per call, and each secret and pattern is
// only applied when a cheap scan finds it (each hint accepts every text its pattern can match).
// Hoisted: a regex literal inside a function body is a new RegExp object on every call.
const AUTH_HINT = /basic|bearer/i;
const FIELD_HINT = /token|secret|password/i;
const PATTERNS = [
    // Authorization headers, wherever they end up in text.
    { re: /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/gi, by: '$1 ***', hint: (t) => AUTH_HINT.test(t) },
    // access_token / client_secret fields in JSON or form bodies.
    {
        re: /("?(?:access_token|client_secret|refresh_token|password)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
        by: '$1***',
        hint: (t) => FIELD_HINT.test(t)
    },
    // Presigned URLs: keep scheme, host and path, drop the query string (signatures, credentials, expiry).
    { re: /(https?:\/\/[^\s"'?#]+)\?[^\s"'#]*/gi, by: '$1?***', hint: (t) => t.includes('?') && t.includes('://') }
];
class Redactor {
    secrets = new Set();
    /** The secrets longest first (so a secret that contains another is replaced whole); rebuilt after a registration. */
    ordered;
    /** Length of the shortest registered form: shorter text cannot contain a secret. */
    shortest = Number.POSITIVE_INFINITY;
    /** Registers a secret and its common encodings (base64 of itself, URL-encoded). Ignores short strings. */
    add(secret) {
        if (!secret || secret.length < 4)
            return;
        const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
        for (const f of forms)
            this.register(f);
    }
    /** Registers `id:secret` the way a Basic header carries it. */
    addBasic(id, secret) {
        this.add(secret);
        this.register(Buffer.from(`${id}:${secret}`).toString('base64'));
    }
    register(form) {
        if (this.secrets.has(form))
            return;
        this.secrets.add(form);
        this.ordered = undefined;
        this.shortest = Math.min(this.shortest, form.length);
    }
    redact(text) {
        let out = text;
        if (out.length >= this.shortest) {
            this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
            for (const s of this.ordered)
                if (out.includes(s))
                    out = out.replaceAll(s, '***');
        }
        for (const { re, by, hint } of PATTERNS)
            if (hint(out))
                out = out.replace(re, by);
        return out;
    }
    /** Redacts every string in a JSON-like value (keys included). */
    redactDeep(value) {
        const walk = (v) => {
            if (typeof v === 'string')
                return this.redact(v);
            if (Array.isArray(v))
                return v.map(walk);
            if (v && typeof v === 'object') {
                const out = {};
                for (const [k, x] of Object.entries(v))
                    out[this.redact(k)] = walk(x);
                return out;
            }
            return v;
        };
        return walk(value);
    }
}
/** Process-wide redactor: the client registers tokens here, main registers the inputs' secrets. */
const redactor = new Redactor();


/***/ }),

/***/ 51178:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ay: () => (/* binding */ writeAuditDocument),
/* harmony export */   BV: () => (/* binding */ buildAuditDocument)
/* harmony export */ });
/* unused harmony export AUDIT_SCHEMA_VERSION */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _checks_describe_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(54908);
/* harmony import */ var _checks_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5242);
/* harmony import */ var _journal_derive_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(54879);
/* harmony import */ var _journal_journal_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(14896);
// The audit document: a pure function of the journal, written as JSON for compliance review and validated by
// schema/audit.schema.json. It repeats every event (each with the hash of the previous one) so it can be verified
// on its own with `npm run verify-audit -- <file>`.






const AUDIT_SCHEMA_VERSION = 1;
function buildAuditDocument(events, extra = {}) {
    const d = (0,_journal_derive_js__WEBPACK_IMPORTED_MODULE_5__/* .deriveRelease */ .h)(events);
    const started = d.started;
    return {
        schemaVersion: AUDIT_SCHEMA_VERSION,
        releaseId: d.releaseId ?? extra.releaseId ?? 'unknown',
        toolVersion: started?.toolVersion ?? extra.toolVersion ?? 'unknown',
        generatedAt: events.at(-1)?.at ?? null,
        github: started?.github ?? {},
        target: started?.target ?? null,
        command: d.command,
        manifest: started?.manifest ?? null,
        flowsFilter: started?.flowsFilter ?? null,
        timings: timingsOf(d),
        outcome: d.outcome,
        reason: d.reason,
        complete: !d.incomplete,
        notes: [...d.notes, ...(extra.notes ?? [])],
        flows: d.flows.map(auditFlow),
        checks: d.checks.map((c) => ({ ...c, description: (0,_checks_describe_js__WEBPACK_IMPORTED_MODULE_2__/* .describeMeasurement */ .I)(c, _checks_text_js__WEBPACK_IMPORTED_MODULE_3__/* .PLAIN_TEXT */ .F) })),
        rollbacks: d.rollbacks.map((r) => ({ ...r, flows: [...r.flows] })),
        api: d.api
            ? { ...d.api, callsByEndpoint: { ...d.api.callsByEndpoint }, available: true }
            : { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0, available: false },
        validation: validationOf(d),
        contentHashes: contentHashesOf(d),
        commit: d.commit
            ? {
                sha: d.commit.sha ?? null,
                pushed: d.commit.pushed,
                files: [...d.commit.files],
                attempts: d.commit.attempts,
                error: d.commit.error ?? null
            }
            : null,
        chain: {
            algorithm: 'sha256',
            events: events.length,
            headHash: events.length ? (0,_journal_journal_js__WEBPACK_IMPORTED_MODULE_4__/* .hashEvent */ .dT)(events.at(-1)) : _journal_journal_js__WEBPACK_IMPORTED_MODULE_4__/* .GENESIS_HASH */ .si
        },
        events: events.map((e) => ({ ...e }))
    };
}
function timingsOf(d) {
    return {
        startedAt: d.startedAt,
        finishedAt: d.finishedAt,
        durationMs: d.durationMs,
        stages: d.stages.map((s) => ({
            index: s.index,
            name: s.name,
            status: s.status,
            startedAt: s.startedAt,
            finishedAt: s.finishedAt,
            durationMs: s.startedAt && s.finishedAt ? Math.max(0, Date.parse(s.finishedAt) - Date.parse(s.startedAt)) : null,
            bakeMs: s.bakeMs,
            reason: s.reason
        }))
    };
}
function auditFlow(f) {
    return {
        name: f.name,
        type: f.type,
        flowId: f.flowId,
        stage: f.stage,
        action: f.action,
        source: f.source,
        status: f.status,
        before: { version: f.fromVersion, contentHash: f.snapshot?.contentHash ?? null },
        after: { version: f.toVersion, contentHash: f.toVersion ? f.contentHash : null },
        final: { version: f.finalVersion },
        created: f.created,
        error: f.error
    };
}
function validationOf(d) {
    const files = new Set(d.validationIssues.map((i) => i.file));
    // An item is the unit validated (a flow file or the manifest); without a count the rate would be a guess.
    const checked = d.validated !== null ? Math.max(d.validated, files.size) : null;
    return {
        issues: d.validationIssues.length,
        filesWithIssues: files.size,
        checked,
        errorRate: checked ? Math.min(1, files.size / checked) : checked === 0 ? 0 : null,
        details: d.validationIssues.map((i) => ({ ...i }))
    };
}
/** Per flow: the snapshot before, the YAML as published, the export after — each when known. */
function contentHashesOf(d) {
    const out = [];
    const add = (f, version, hash, of) => out.push({ flow: f.name, type: f.type, version, algorithm: 'sha256', hash, of });
    for (const f of d.flows) {
        if (f.snapshot?.contentHash)
            add(f, f.snapshot.version, f.snapshot.contentHash, 'snapshot');
        if (f.contentHash && (f.toVersion || f.status === 'planned' || f.status === 'unchanged'))
            add(f, f.toVersion, f.contentHash, 'published');
        if (f.export)
            add(f, f.export.version, f.export.contentHash, 'export');
    }
    return out;
}
/** Writes the document as pretty JSON (creating the folder), atomically enough for a reader that races the writer. */
function writeAuditDocument(path, doc) {
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(path), { recursive: true });
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(path, JSON.stringify(doc, null, 2) + '\n', 'utf8');
}


/***/ }),

/***/ 53793:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E9: () => (/* binding */ parseDuration),
/* harmony export */   q0: () => (/* binding */ describe),
/* harmony export */   xv: () => (/* binding */ truncate)
/* harmony export */ });
/* unused harmony export DURATION_FORMS */
// Durations in the manifest are short strings such as `500ms`, `90s`, `2m`, `1h` or combinations like `1m30s`.
// Plain numbers are refused (except 0) because `bake: 10` is ambiguous: ten seconds or ten minutes?
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const ORDER = ['h', 'm', 's', 'ms'];
const DURATION_FORMS = '500ms, 90s, 2m, 1h or a combination such as 1m30s';
function parseDuration(value) {
    if (value === 0 || value === '0')
        return { ok: true, ms: 0 };
    if (typeof value === 'number') {
        return {
            ok: false,
            message: `duration ${String(value)} has no unit`,
            fix: `write it with a unit, e.g. '${String(value)}s' or '${String(value)}m' (accepted: ${DURATION_FORMS})`
        };
    }
    if (typeof value !== 'string') {
        return { ok: false, message: `expected a duration string, got ${describe(value)}`, fix: `use ${DURATION_FORMS}` };
    }
    const text = value.trim();
    const bad = () => ({
        ok: false,
        message: `'${truncate(text)}' is not a duration`,
        fix: `use ${DURATION_FORMS}`
    });
    // Bounded: a duration is short; refusing long strings keeps the regex work trivial.
    if (text.length === 0 || text.length > 40)
        return bad();
    const re = /(\d+)(ms|h|m|s)/gy;
    let ms = 0;
    let last = -1;
    let consumed = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
        const unit = m[2];
        const idx = ORDER.indexOf(unit);
        // Units must appear largest first and at most once: `30s1m` or `1m1m` are almost certainly typos.
        if (idx <= last)
            return bad();
        last = idx;
        ms += Number(m[1]) * UNIT_MS[unit];
        consumed = re.lastIndex;
    }
    if (consumed !== text.length || !Number.isSafeInteger(ms))
        return bad();
    return { ok: true, ms };
}
function describe(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    if (typeof value === 'string')
        return `the string '${truncate(value)}'`;
    return `${typeof value} ${truncate(String(value))}`;
}
function truncate(text, max = 60) {
    const oneLine = text.replace(/[\r\n\t]/g, ' ');
    return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}


/***/ }),

/***/ 5659:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ PLACEHOLDER)
/* harmony export */ });
// `{{placeholder}}` substitution, shared by flow files (substitutions and built-ins) and check inputs (built-ins).
/** A `{{name}}` placeholder; the name is captured. Global: use with matchAll / replace. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;


/***/ }),

/***/ 61426:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CG: () => (/* binding */ ratio),
/* harmony export */   Ie: () => (/* binding */ custom),
/* harmony export */   UU: () => (/* binding */ name),
/* harmony export */   o$: () => (/* binding */ jsonObject),
/* harmony export */   oe: () => (/* binding */ durationWithin)
/* harmony export */ });
/* unused harmony exports duration, formatMs */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(92857);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(88532);
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(53793);
// The zod building blocks the manifest is written with: durations, names, JSON objects, ratios, and issues that carry
// a fix hint. The manifest schema and every check kind's schema use these, so a duration or a name reads and fails
// the same way wherever it appears.


/** Marks an issue with a fix hint that the loader copies into ValidationIssue.fix. */
function custom(ctx, message, fix) {
    ctx.addIssue({ code: 'custom', message, params: { fix } });
}
/** A duration string (`90s`, `2m`...) → milliseconds. */
const duration = zod__WEBPACK_IMPORTED_MODULE_1__/* .unknown */ .L5J().transform((value, ctx) => {
    const r = (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(value);
    if (r.ok)
        return r.ms;
    custom(ctx, r.message, r.fix);
    return zod__WEBPACK_IMPORTED_MODULE_2__/* .NEVER */ .tm;
});
/** A duration within [minMs, maxMs]; `label` names the field in the message. */
function durationWithin(minMs, maxMs, label) {
    return duration.pipe(zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().superRefine((ms, ctx) => {
        if (ms < minMs || ms > maxMs)
            custom(ctx, `${label} must be between ${formatMs(minMs)} and ${formatMs(maxMs)}`, `use e.g. ${formatMs(Math.max(minMs, 1000))}`);
    }));
}
/** Milliseconds in the manifest's own notation (`2m`, `90s`, `500ms`). */
function formatMs(ms) {
    if (ms % 3_600_000 === 0 && ms > 0)
        return `${ms / 3_600_000}h`;
    if (ms % 60_000 === 0 && ms > 0)
        return `${ms / 60_000}m`;
    if (ms % 1000 === 0)
        return `${ms / 1000}s`;
    return `${ms}ms`;
}
/** Names show up in logs, summaries, commit messages and file names: refuse control characters outright. */
const name = zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), 'must not contain control characters (newlines, tabs, ...)');
/** A mapping of arbitrary JSON-like values (inputs, expected outputs). */
const jsonObject = zod__WEBPACK_IMPORTED_MODULE_1__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_1__/* .unknown */ .L5J());
/** A share between 0 and 1. */
const ratio = zod__WEBPACK_IMPORTED_MODULE_1__/* .number */ .aig().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');


/***/ }),

/***/ 95987:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $t: () => (/* binding */ isGenesysError),
/* harmony export */   DF: () => (/* binding */ GenesysError),
/* harmony export */   kc: () => (/* binding */ errorText)
/* harmony export */ });
// One typed error for everything that can go wrong talking to Genesys Cloud. Messages never contain secrets.
class GenesysError extends Error {
    kind;
    method;
    path;
    status;
    code;
    details;
    errors;
    contextId;
    correlationId;
    outcomeUnknown;
    constructor(init) {
        super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
        this.name = 'GenesysError';
        this.kind = init.kind;
        this.method = init.method;
        this.path = init.path;
        this.status = init.status;
        this.code = init.code;
        this.details = init.details;
        this.errors = init.errors;
        this.contextId = init.contextId;
        this.correlationId = init.correlationId;
        this.outcomeUnknown = init.outcomeUnknown ?? false;
    }
    /** A copy with some fields changed, e.g. the message with a fix-it hint appended. */
    with(changes) {
        return new GenesysError({
            kind: this.kind,
            message: this.message,
            method: this.method,
            path: this.path,
            status: this.status,
            code: this.code,
            details: this.details,
            errors: this.errors,
            contextId: this.contextId,
            correlationId: this.correlationId,
            outcomeUnknown: this.outcomeUnknown,
            cause: this.cause,
            ...changes
        });
    }
    /** A JSON-safe summary for the journal. */
    toJSON() {
        return {
            kind: this.kind,
            message: this.message,
            method: this.method,
            path: this.path,
            status: this.status,
            code: this.code,
            details: this.details,
            errors: this.errors,
            contextId: this.contextId,
            correlationId: this.correlationId,
            outcomeUnknown: this.outcomeUnknown || undefined
        };
    }
}
function isGenesysError(e) {
    return e instanceof GenesysError;
}
/** One line that says what went wrong (shared by the engine and the check kinds), with the Genesys code/details that a bare 400 message omits. */
function errorText(e) {
    if (isGenesysError(e)) {
        const parts = [e.message];
        if (e.method && e.path && !e.message.includes(e.path))
            parts.push(`(${e.method} ${e.path})`);
        if (e.code && !e.message.includes(e.code))
            parts.push(`code ${e.code}`);
        if (e.details?.length)
            parts.push(`details ${JSON.stringify(e.details)}`);
        if (e.errors?.length)
            parts.push(`errors ${JSON.stringify(e.errors)}`);
        if (e.correlationId)
            parts.push(`correlation id ${e.correlationId}`);
        return parts.join('; ');
    }
    return e instanceof Error ? e.message : String(e);
}


/***/ }),

/***/ 95333:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Do: () => (/* binding */ WaitTimeoutError),
/* harmony export */   fm: () => (/* binding */ waitFor)
/* harmony export */ });
/* unused harmony exports MIN_DELAY_MS, MAX_DELAY_MS, isTransientError, backoffDelay, MAX_FIRST_DELAY_MS, expectedLatency, recordLatency, adaptiveDelay */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(95987);

const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
class WaitTimeoutError extends Error {
    what;
    id;
    lastState;
    elapsedMs;
    constructor(what, id, lastState, elapsedMs) {
        super(`Gave up waiting for ${what} ${id} after ${Math.round(elapsedMs / 1000)} s (last state: ${lastState}). ` +
            'It may still finish in Genesys Cloud; raise the job timeout in the manifest if this job is legitimately slow.');
        this.name = 'WaitTimeoutError';
        this.what = what;
        this.id = id;
        this.lastState = lastState;
        this.elapsedMs = elapsedMs;
    }
}
/** Errors worth polling again: the connection or the server failed, not our request. */
function isTransientError(e) {
    if (!(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isGenesysError */ .$t)(e))
        return false;
    if (e.kind === 'network' || e.kind === 'timeout')
        return true;
    return e.kind === 'http' && e.status !== undefined && (e.status >= 500 || e.status === 429);
}
function backoffDelay(attempt, expectedLatencyMs) {
    const first = expectedLatencyMs === undefined
        ? MIN_DELAY_MS
        : Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, Math.round(expectedLatencyMs / 4)));
    return Math.min(MAX_DELAY_MS, Math.round(first * 1.5 ** Math.max(0, attempt - 1)));
}
/** The first poll of an adaptive wait never comes later than this. */
const MAX_FIRST_DELAY_MS = 60_000;
const HISTORY = 20;
/**
 * Completion times of finished waits, per clock and per `what`: a release's 50 publish jobs behave alike, so the 2nd
 * to 50th are polled when the 1st ones actually finished rather than when a constant guessed they would. Keyed by the
 * clock so that each test's FakeClock starts afresh.
 */
const history = new WeakMap();
/** The latency to plan the first poll on: the median of what was observed, else the caller's expectation. */
function expectedLatency(clock, what, fallbackMs) {
    const seen = history.get(clock)?.get(what);
    if (!seen || seen.length === 0)
        return fallbackMs;
    const sorted = [...seen].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)];
}
/** Records how long a wait of `what` took (an estimate when it was done at the first poll: see waitFor). */
function recordLatency(clock, what, ms) {
    let byWhat = history.get(clock);
    if (!byWhat)
        history.set(clock, (byWhat = new Map()));
    const seen = byWhat.get(what) ?? [];
    seen.push(Math.max(0, Math.round(ms)));
    if (seen.length > HISTORY)
        seen.shift();
    byWhat.set(what, seen);
}
/** Delay before poll `attempt` (1-based) of an adaptive wait planned on latency `expected`. */
function adaptiveDelay(attempt, expected) {
    if (attempt <= 1)
        return Math.min(MAX_FIRST_DELAY_MS, Math.max(MIN_DELAY_MS, Math.round(expected)));
    const step = Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, Math.round(expected / 4)));
    return Math.min(MAX_DELAY_MS, Math.round(step * 1.5 ** (attempt - 2)));
}
async function waitFor(o) {
    const start = o.clock.now();
    const adaptive = !o.schedule && o.expectedLatencyMs !== undefined;
    const expected = adaptive ? (expectedLatency(o.clock, o.what, o.expectedLatencyMs) ?? 0) : 0;
    const deadline = Math.min(start + o.deadlineMs, o.deadlineAt ?? Number.POSITIVE_INFINITY);
    // When the work's latency is known, polling at once only costs a call: the first poll waits for it.
    if (adaptive) {
        if (o.signal?.aborted)
            throw o.signal.reason;
        await o.clock.sleep(Math.max(0, Math.min(adaptiveDelay(1, expected), deadline - start)), o.signal);
    }
    let previousPollAt = start;
    const logEvery = o.progressLogMs ?? 10_000;
    const eventEvery = o.progressEventMs ?? 60_000;
    let lastLog = start;
    let lastEvent = start;
    let lastState = 'not polled yet';
    let attempt = 0;
    for (;;) {
        if (o.signal?.aborted)
            throw o.signal.reason;
        attempt++;
        const pollAt = o.clock.now();
        try {
            const value = await o.poll();
            if (o.state)
                lastState = o.state(value);
            if (o.done(value)) {
                if (adaptive) {
                    // Done at the first poll: it may have finished well before, so nudge the estimate down (×0.75); done
                    // later: it finished between the last two polls.
                    const took = attempt === 1 ? (pollAt - start) * 0.75 : (previousPollAt + pollAt) / 2 - start;
                    recordLatency(o.clock, o.what, took);
                }
                return value;
            }
        }
        catch (e) {
            if (!isTransientError(e))
                throw e;
            lastState = `transient error: ${e.message}`;
            o.log.debug(`Polling ${o.what} ${o.id} failed transiently, will poll again: ${e.message}`);
        }
        previousPollAt = pollAt;
        const now = o.clock.now();
        const elapsed = now - start;
        if (now >= deadline)
            throw new WaitTimeoutError(o.what, o.id, lastState, elapsed);
        if (now - lastLog >= logEvery) {
            lastLog = now;
            o.log.info(`Waiting for ${o.what} ${o.id} (${lastState}, ${Math.round(elapsed / 1000)} s)`);
        }
        if (o.onProgress && now - lastEvent >= eventEvery) {
            lastEvent = now;
            o.onProgress(lastState, elapsed);
        }
        const delay = o.schedule
            ? o.schedule(attempt)
            : adaptive
                ? adaptiveDelay(attempt + 1, expected)
                : backoffDelay(attempt, o.expectedLatencyMs);
        // Never sleep past the deadline: the last poll happens at the deadline itself.
        await o.clock.sleep(Math.max(0, Math.min(delay, deadline - now)), o.signal);
    }
}


/***/ }),

/***/ 54879:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h: () => (/* binding */ deriveRelease),
  a: () => (/* binding */ formatDuration)
});

;// CONCATENATED MODULE: ./src/journal/derived.ts
function emptyFlow(name) {
    return {
        name,
        type: null,
        flowId: null,
        stage: null,
        action: null,
        source: null,
        reason: null,
        fromVersion: null,
        toVersion: null,
        finalVersion: null,
        contentHash: null,
        snapshot: null,
        created: false,
        status: 'not-started',
        error: null,
        rollback: null,
        export: null,
        drift: null,
        lockedBy: null,
        changedSeq: null,
        leftVersion: null,
        liveSince: null,
        conflict: null,
        inFlight: null,
        rollbackFrom: null
    };
}

;// CONCATENATED MODULE: ./src/journal/derive-events.ts

function flowOf(r, name) {
    let f = r.flows.get(name);
    if (!f)
        r.flows.set(name, (f = emptyFlow(name)));
    return f;
}
function stageOf(r, name) {
    let s = r.stages.get(name);
    if (!s) {
        s = {
            index: r.stages.size,
            name,
            flows: [],
            bakeMs: null,
            checks: [],
            startedAt: null,
            finishedAt: null,
            status: 'pending',
            reason: null
        };
        r.stages.set(name, s);
    }
    return s;
}
function applyPlan(f, p, command) {
    f.type = p.type;
    f.flowId = p.flowId ?? f.flowId;
    f.stage = p.stage;
    f.action = p.action;
    f.source = p.source;
    f.reason = p.reason;
    f.fromVersion = p.publishedVersion ?? null;
    f.finalVersion = p.publishedVersion ?? null;
    f.contentHash = p.contentHash ?? null;
    f.drift = p.drift ?? f.drift;
    f.lockedBy = p.lockedBy ?? f.lockedBy;
    f.status =
        p.action === 'unchanged'
            ? 'unchanged'
            : p.action === 'skipped'
                ? 'skipped'
                : command === 'plan'
                    ? 'planned'
                    : 'not-started';
}
function readPlan(r, e) {
    for (const s of e.details.stages) {
        const st = stageOf(r, s.name);
        st.flows = [...s.flows];
        st.bakeMs = s.bakeMs;
        st.checks = [...s.checks];
    }
    for (const p of e.details.flows) {
        applyPlan(flowOf(r, p.name), p, r.d.command);
        const st = stageOf(r, p.stage);
        if (!st.flows.includes(p.name))
            st.flows.push(p.name);
    }
    r.d.validated ??= e.details.flows.length;
}
function readPublishSucceeded(r, e, flow) {
    const f = flowOf(r, flow);
    f.status = 'published';
    f.flowId = e.details.flowId;
    f.fromVersion = e.details.fromVersion;
    f.toVersion = e.details.toVersion;
    f.finalVersion = e.details.toVersion;
    f.created = e.details.created;
    if (e.details.contentHash)
        f.contentHash = e.details.contentHash;
    if (e.stage && !f.stage)
        f.stage = e.stage;
    f.changedSeq = e.seq;
    f.leftVersion = e.details.toVersion;
    f.liveSince = e.at;
}
function readPublishFailed(r, e) {
    if (!e.flow) {
        r.publishFailures.push(e.details.error);
        return;
    }
    const f = flowOf(r, e.flow);
    f.status = 'publish-failed';
    f.error = [e.details.error, ...(e.details.messages ?? [])].join('; ');
    if (e.details.flowId)
        f.flowId = e.details.flowId;
    r.publishFailures.push(`${e.flow}: ${e.details.error}`);
    if (e.details.conflict) {
        // Another publisher's content is live: not this release's change any more, never rolled back over.
        f.conflict = e.details.conflict;
        f.changedSeq = null;
        f.leftVersion = null;
        f.liveSince = null;
    }
    else if (e.details.changed === true || e.details.changed === null) {
        // Changed, or not known: the rollback must restore it (it reads the state back first).
        f.changedSeq = e.seq;
        f.leftVersion = e.details.toVersion ?? null;
    }
}
/** plan, flow-refused, drift-detected, flow-unlocked, snapshot, publish-*, warning: facts about one flow. */
function readFlowEvent(r, e) {
    switch (e.type) {
        case 'plan':
            readPlan(r, e);
            return true;
        case 'flow-refused':
            if (e.flow) {
                const f = flowOf(r, e.flow);
                f.status = 'refused';
                f.error = e.details.reason;
                f.flowId = e.details.flowId ?? f.flowId;
                f.lockedBy = e.details.lockedBy ?? f.lockedBy;
            }
            return true;
        case 'drift-detected':
            if (e.flow) {
                flowOf(r, e.flow).drift = {
                    recordedVersion: e.details.recordedVersion,
                    actualVersion: e.details.actualVersion
                };
            }
            return true;
        case 'flow-unlocked':
            if (e.flow)
                flowOf(r, e.flow).lockedBy = e.details.lockedBy;
            return true;
        case 'snapshot':
            if (e.flow) {
                const f = flowOf(r, e.flow);
                f.flowId = e.details.flowId;
                f.snapshot = { version: e.details.version, contentHash: e.details.contentHash };
                f.fromVersion ??= e.details.version;
                if (e.stage && !f.stage)
                    f.stage = e.stage;
            }
            return true;
        case 'publish-started':
            if (e.flow) {
                const f = flowOf(r, e.flow);
                f.status = 'publishing';
                if (e.details.flowId)
                    f.flowId = e.details.flowId;
                if (e.details.fromVersion !== undefined)
                    f.fromVersion = e.details.fromVersion;
                if (e.stage && !f.stage)
                    f.stage = e.stage;
            }
            return true;
        case 'publish-succeeded':
            if (e.flow)
                readPublishSucceeded(r, e, e.flow);
            return true;
        case 'publish-failed':
            readPublishFailed(r, e);
            return true;
        case 'warning':
            r.d.warnings.push(e.details.message);
            if (e.flow && e.details.inFlight)
                flowOf(r, e.flow).inFlight = e.details.inFlight.what;
            return true;
        case 'export':
            if (e.flow) {
                flowOf(r, e.flow).export = {
                    version: e.details.version,
                    contentHash: e.details.contentHash,
                    path: e.details.path
                };
            }
            return true;
        default:
            return false;
    }
}
function openRollback(r, at) {
    if (!r.rollback) {
        r.rollback = { reason: 'unknown', startedAt: at, finishedAt: null, ok: null, flows: [] };
        r.d.rollbacks.push(r.rollback);
    }
    return r.rollback;
}
/** stage-*, check-result, rollback-*: the stages' course and the rollbacks. */
function readStageEvent(r, e) {
    switch (e.type) {
        case 'stage-started': {
            const st = stageOf(r, e.details.name);
            st.index = e.details.index;
            st.startedAt = e.at;
            st.status = 'running';
            for (const n of e.details.flows)
                if (!st.flows.includes(n))
                    st.flows.push(n);
            return true;
        }
        case 'check-result':
            r.d.checks.push({ ...e.details, stage: e.stage ?? null, flow: e.flow ?? null, at: e.at, seq: e.seq });
            return true;
        case 'stage-succeeded': {
            const st = stageOf(r, e.details.name);
            st.status = 'succeeded';
            st.finishedAt = e.at;
            return true;
        }
        case 'stage-failed': {
            const st = stageOf(r, e.details.name);
            st.status = 'failed';
            st.finishedAt = e.at;
            st.reason = e.details.reason;
            r.stageFailures.push(`stage ${e.details.name}: ${e.details.reason}`);
            return true;
        }
        case 'rollback-started':
            r.rollback = { reason: e.details.reason, startedAt: e.at, finishedAt: null, ok: null, flows: [] };
            r.d.rollbacks.push(r.rollback);
            for (const [name, v] of Object.entries(e.details.fromVersions ?? {}))
                flowOf(r, name).rollbackFrom = v;
            return true;
        case 'rollback-flow': {
            const rb = openRollback(r, e.at);
            rb.flows = rb.flows.filter((x) => x.name !== e.details.name).concat(e.details);
            return true;
        }
        case 'rollback-finished': {
            const rb = openRollback(r, e.at);
            rb.finishedAt = e.at;
            rb.ok = e.details.ok;
            if (e.details.flows.length)
                rb.flows = [...e.details.flows];
            r.rollback = null;
            return true;
        }
        default:
            return false;
    }
}
/** Everything about the release as a whole. */
function readReleaseEvent(r, e) {
    const d = r.d;
    switch (e.type) {
        case 'release-started':
            d.started = e.details;
            d.releaseId = e.details.releaseId;
            d.command = e.details.command;
            d.startedAt = e.at;
            break;
        case 'validation-failed':
            d.validationIssues.push(...e.details.issues);
            if (typeof e.details.checked === 'number')
                d.validated = e.details.checked;
            break;
        case 'commit':
            d.commit = e.details;
            break;
        case 'doctor-probe':
            d.probes.push(e.details);
            break;
        case 'error':
            d.errors.push(e.details.message);
            break;
        case 'cancelled':
            // The first one is the signal itself (main.ts); later ones are the engine's, carrying the abort message.
            d.cancelled ??= e.details.signal;
            break;
        case 'release-finished':
            r.finished = e.details;
            d.finishedAt = e.at;
            break;
        default:
            break;
    }
}
function readEvent(r, e) {
    if (readFlowEvent(r, e) || readStageEvent(r, e))
        return;
    readReleaseEvent(r, e);
}

// EXTERNAL MODULE: ./src/journal/outcome.ts
var outcome = __webpack_require__(78963);
;// CONCATENATED MODULE: ./src/journal/derive.ts


function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        return '0s';
    const s = Math.round(ms / 1000);
    if (s < 60)
        return ms < 1000 && ms > 0 ? `${ms}ms` : `${s}s`;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    return h > 0 ? `${h}h ${m}m` : sec ? `${m}m ${sec}s` : `${m}m`;
}
function emptyRelease(events) {
    return {
        started: null,
        releaseId: null,
        command: null,
        outcome: 'failed',
        incomplete: true,
        reason: '',
        notes: [],
        startedAt: events[0]?.at ?? null,
        finishedAt: events.at(-1)?.at ?? null,
        durationMs: 0,
        stages: [],
        flows: [],
        checks: [],
        rollbacks: [],
        validationIssues: [],
        probes: [],
        validated: null,
        published: [],
        api: null,
        warnings: [],
        errors: [],
        cancelled: null,
        commit: null
    };
}
/** Rollback results override the publish state: what is live at the end is what the rollback left. */
function applyRollbacks(r) {
    for (const rb of r.d.rollbacks) {
        for (const x of rb.flows) {
            const f = flowOf(r, x.name);
            f.rollback = x;
            f.type ??= x.type;
            f.flowId ??= x.flowId;
            f.status = x.ok ? 'rolled-back' : 'rollback-failed';
            if (x.ok) {
                f.finalVersion = x.actual.deleted ? null : (x.actual.version ?? x.expected.version ?? null);
                f.liveSince = x.action === 'republish' ? rb.finishedAt : null;
            }
            else {
                f.finalVersion = x.actual.version ?? null;
                f.error = x.error ?? f.error;
            }
        }
    }
}
/** A cancelled or crashed run: outcome.ts's rule, and what the journal proves was published. */
function concludeUnfinished(d, events) {
    d.outcome = (0,outcome/* unfinishedOutcome */.ii)(events);
    d.durationMs = d.startedAt && d.finishedAt ? Math.max(0, Date.parse(d.finishedAt) - Date.parse(d.startedAt)) : 0;
    d.notes.push(d.cancelled
        ? `The run was cancelled (${d.cancelled}) before the release finished; the journal ends at event ${events.at(-1)?.seq ?? 0}.`
        : `The journal ends without a release-finished event (the run crashed or was killed); last event ${events.at(-1)?.seq ?? 0}.`);
    d.published = d.flows
        .filter((f) => f.status === 'published' && f.flowId && f.toVersion)
        .map((f) => ({
        name: f.name,
        type: f.type ?? 'unknown',
        flowId: f.flowId,
        fromVersion: f.fromVersion,
        toVersion: f.toVersion
    }));
}
function conclude(d, finished, events) {
    d.incomplete = finished === null;
    if (finished) {
        d.outcome = finished.outcome;
        d.durationMs = finished.durationMs;
        d.api = finished.api;
        d.published = finished.published;
    }
    else
        concludeUnfinished(d, events);
    if (d.cancelled && finished)
        d.notes.push(`The run was cancelled (${d.cancelled}).`);
    if (!d.started)
        d.notes.push('The journal has no release-started event: release id, command and target are unknown.');
}
function deriveRelease(events) {
    const r = {
        d: emptyRelease(events),
        flows: new Map(),
        stages: new Map(),
        finished: null,
        rollback: null,
        stageFailures: [],
        publishFailures: []
    };
    for (const e of events)
        readEvent(r, e);
    applyRollbacks(r);
    const d = r.d;
    d.flows = [...r.flows.values()];
    d.stages = [...r.stages.values()].sort((a, b) => a.index - b.index);
    conclude(d, r.finished, events);
    d.reason = reasonFor(d, r.finished?.message, r.stageFailures, r.publishFailures);
    return d;
}
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
function reasonFor(d, message, stageFailures, publishFailures) {
    const failedRollbacks = d.rollbacks.flatMap((r) => r.flows.filter((f) => !f.ok));
    switch (d.outcome) {
        case 'succeeded': {
            const n = d.published.length;
            const stagesRun = d.stages.filter((s) => s.status === 'succeeded').length;
            if (message)
                return message;
            return n === 0
                ? 'Nothing to release: every flow is already live at the planned version.'
                : `${plural(n, 'flow')} published in ${plural(stagesRun, 'stage')}, every health check passed.`;
        }
        case 'planned': {
            if (message)
                return message;
            const count = (a) => d.flows.filter((f) => f.action === a).length;
            const changes = count('create') + count('update');
            return `${plural(changes, 'flow')} would change (${count('create')} create, ${count('update')} update), ${count('unchanged')} unchanged.`;
        }
        case 'rolled-back': {
            const cause = stageFailures[0] ?? d.rollbacks[0]?.reason ?? message ?? 'a stage failed';
            const n = d.rollbacks.flatMap((r) => r.flows).length;
            return `Rolled back ${plural(n, 'flow')} (verified) after ${cause}`;
        }
        case 'rollback-failed': {
            const which = failedRollbacks.map((f) => `${f.name}${f.error ? ` (${f.error})` : ''}`).join(', ');
            return `Rollback failed${which ? ` for ${which}` : ''}${stageFailures[0] ? ` after ${stageFailures[0]}` : ''}: the org needs manual attention.`;
        }
        case 'failed':
        default: {
            if (d.validationIssues.length) {
                return `${plural(d.validationIssues.length, 'validation issue')} found; nothing was published.`;
            }
            const cause = message ?? d.errors.at(-1) ?? publishFailures[0] ?? stageFailures[0];
            if (d.incomplete)
                return d.notes[0] ?? 'The run did not finish.';
            return cause ?? 'The release failed.';
        }
    }
}


/***/ }),

/***/ 14896:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CQ: () => (/* binding */ Journal),
/* harmony export */   dT: () => (/* binding */ hashEvent),
/* harmony export */   si: () => (/* binding */ GENESIS_HASH),
/* harmony export */   z8: () => (/* binding */ parseJournal)
/* harmony export */ });
/* unused harmony exports toPlainJson, toRedactedPlainJson, canonicalJson, journalFileName */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6800);
// The append-only, hash-chained journal. Each event is redacted, hashed and appended to disk synchronously the moment
// it happens, so a crash or a SIGTERM mid-release still leaves the whole story up to that point.




const GENESIS_HASH = '0'.repeat(64);
/**
 * Turns any value into plain JSON data: drops `undefined`, turns Errors into `{ name, message }`, non-finite numbers
 * into null and bigints into strings, so the in-memory event is exactly what a reader parses back from the file.
 */
function toPlainJson(value) {
    const seen = new WeakSet();
    const walk = (v) => {
        if (v === null || typeof v === 'string' || typeof v === 'boolean')
            return v;
        if (typeof v === 'number')
            return Number.isFinite(v) ? v : null;
        if (typeof v === 'bigint')
            return v.toString();
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol')
            return undefined;
        if (v instanceof Date)
            return Number.isNaN(v.getTime()) ? null : v.toISOString();
        if (v instanceof Error)
            return { name: v.name, message: v.message };
        if (typeof v === 'object') {
            if (seen.has(v))
                return '[circular]';
            seen.add(v);
            let out;
            if (Array.isArray(v))
                out = v.map((x) => walk(x) ?? null);
            else {
                const o = {};
                for (const [k, x] of Object.entries(v)) {
                    const w = walk(x);
                    if (w !== undefined)
                        o[k] = w;
                }
                out = o;
            }
            seen.delete(v);
            return out;
        }
        return undefined;
    };
    return walk(value);
}
/**
 * `toPlainJson` and `Redactor.redactDeep` in one walk: the plain JSON form of `value` with every string and key
 * redacted. Equal to `redactor.redactDeep(toPlainJson(value))`, without building the intermediate copy.
 */
function toRedactedPlainJson(value, redactor) {
    const seen = new WeakSet();
    const walk = (v) => {
        if (v === null || typeof v === 'boolean')
            return v;
        if (typeof v === 'string')
            return redactor.redact(v);
        if (typeof v === 'number')
            return Number.isFinite(v) ? v : null;
        if (typeof v === 'bigint')
            return redactor.redact(v.toString());
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol')
            return undefined;
        if (v instanceof Date)
            return Number.isNaN(v.getTime()) ? null : redactor.redact(v.toISOString());
        if (v instanceof Error)
            return { name: redactor.redact(v.name), message: redactor.redact(v.message) };
        if (typeof v === 'object') {
            if (seen.has(v))
                return redactor.redact('[circular]');
            seen.add(v);
            let out;
            if (Array.isArray(v))
                out = v.map((x) => walk(x) ?? null);
            else {
                const o = {};
                for (const [k, x] of Object.entries(v)) {
                    const w = walk(x);
                    if (w !== undefined)
                        o[redactor.redact(k)] = w;
                }
                out = o;
            }
            seen.delete(v);
            return out;
        }
        return undefined;
    };
    return walk(value);
}
/** `canonicalJson` of a value that is already plain JSON data (as `toPlainJson` returns): skips that walk. */
function canonicalPlainJson(plain) {
    const walk = (v) => {
        if (Array.isArray(v))
            return v.map(walk);
        if (v && typeof v === 'object') {
            const o = {};
            for (const k of Object.keys(v).sort()) {
                const x = v[k];
                if (x !== undefined)
                    o[k] = walk(x);
            }
            return o;
        }
        return v;
    };
    return JSON.stringify(walk(plain)) ?? 'null';
}
/** JSON with object keys sorted at every level and no whitespace: the one byte form that gets hashed. */
function canonicalJson(value) {
    return canonicalPlainJson(toPlainJson(value));
}
/** sha256 (hex) of an event's canonical JSON, prevHash included: what the next event's `prevHash` must equal. */
function hashEvent(event) {
    return sha256(canonicalJson(event));
}
function sha256(text) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(text, 'utf8').digest('hex');
}
function journalFileName(releaseId) {
    return `flow-release-${releaseId}.journal.jsonl`;
}
/** Parses a JSON-lines journal. Throws with the line number when a line is not JSON. */
function parseJournal(text) {
    const events = [];
    const lines = text.split('\n');
    lines.forEach((line, i) => {
        if (!line.trim())
            return;
        try {
            events.push(JSON.parse(line));
        }
        catch (e) {
            throw new Error(`journal line ${i + 1} is not valid JSON (${e.message})`, { cause: e });
        }
    });
    return events;
}
class Journal {
    path;
    releaseId;
    clock;
    redactor;
    list = [];
    lastHash = GENESIS_HASH;
    /** The first failure to write to disk, if any. The events stay in memory so the audit document is still complete. */
    writeError;
    /** Events offered after seal(): not recorded, only counted. */
    dropped = 0;
    sealed = false;
    constructor(options, path) {
        this.path = path;
        this.releaseId = options.releaseId;
        this.clock = options.clock;
        this.redactor = options.redactor ?? _common_redact_js__WEBPACK_IMPORTED_MODULE_3__/* .redactor */ .$;
    }
    /**
     * Opens `<dir>/flow-release-<releaseId>.journal.jsonl`. An existing file (a resumed run, or the post step) is read
     * back and the chain continues after its last event; otherwise the file is created empty at once, so it exists
     * even if the first event never comes.
     */
    static create(options) {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)(options.dir, { recursive: true });
        const journal = new Journal(options, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(options.dir, journalFileName(options.releaseId)));
        if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(journal.path)) {
            for (const e of parseJournal((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(journal.path, 'utf8'))) {
                journal.list.push(e);
                journal.lastHash = hashEvent(e);
            }
        }
        else {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.appendFileSync)(journal.path, '');
        }
        return journal;
    }
    get events() {
        return this.list;
    }
    /** Hash of the last event (64 zeros when empty): what the next event will carry as `prevHash`. */
    get headHash() {
        return this.lastHash;
    }
    /**
     * Ends the journal: later appends are not recorded. Called once `release-finished` is written, so that work still
     * winding down after a cancellation (a rollback past its grace period) cannot add events behind the end of the
     * story, after the audit document was built from it.
     */
    seal() {
        this.sealed = true;
    }
    append(type, init) {
        // Redact before hashing: the hash must cover exactly the bytes that were written. One walk makes the plain,
        // redacted copy that is both kept in memory and written; the caller's `init` is not retained.
        const clean = toRedactedPlainJson(init, this.redactor);
        const event = {
            seq: (this.list.at(-1)?.seq ?? 0) + 1,
            at: new Date(this.clock.now()).toISOString(),
            type,
            ...(clean.stage !== undefined && { stage: clean.stage }),
            ...(clean.flow !== undefined && { flow: clean.flow }),
            status: clean.status,
            ...(clean.latencyMs !== undefined && { latencyMs: clean.latencyMs }),
            ...(clean.request !== undefined && { request: clean.request }),
            details: clean.details ?? {},
            prevHash: this.lastHash
        };
        if (this.sealed) {
            this.dropped++;
            return event;
        }
        // `event` is plain JSON data already, and its hash is the hash of exactly this line: serialise once.
        const line = canonicalPlainJson(event);
        this.lastHash = sha256(line);
        this.list.push(event);
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.appendFileSync)(this.path, line + '\n', 'utf8');
        }
        catch (e) {
            // Losing the disk copy must not abort a release half-way through; the in-memory list still feeds the audit.
            this.writeError ??= e instanceof Error ? e : new Error(String(e));
        }
        return event;
    }
}


/***/ }),

/***/ 78963:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F0: () => (/* binding */ cancelledVerdict),
/* harmony export */   WJ: () => (/* binding */ verdict),
/* harmony export */   ii: () => (/* binding */ unfinishedOutcome)
/* harmony export */ });
/* unused harmony export conflictCreator */
/**
 * The outcome of a run that ends without its own conclusion (cancelled, crashed, or the engine's cancellation path):
 * the worst thing the journal proves. The signal's time is the first `cancelled` event (main.ts journals it the
 * moment the signal arrives; the engine journals one before it closes a cancelled rollback).
 * - A rollback that finished unverified before the signal, or a failed restore in a run that was not cancelled
 *   → rollback-failed.
 * - The last rollback finished verified → rolled-back.
 * - Otherwise (cancelled before any publish, after publishes without rollback, or while a rollback was running: its
 *   flows are reported restored, left or in flight, as after a cancelled publish) → failed.
 */
function unfinishedOutcome(events) {
    const signal = events.find((e) => e.type === 'cancelled')?.seq;
    const failedRestore = events.some((e) => signal === undefined
        ? (e.type === 'rollback-flow' || e.type === 'rollback-finished') && !e.details.ok
        : e.type === 'rollback-finished' && !e.details.ok && e.seq < signal);
    if (failedRestore)
        return 'rollback-failed';
    const lastRollback = events.findLast((e) => e.type === 'rollback-started' || e.type === 'rollback-finished');
    if (lastRollback?.type === 'rollback-finished' && lastRollback.details.ok)
        return 'rolled-back';
    return 'failed';
}
/** Flows this run published and nothing since took back (a conflict, a restore): left at their new versions. */
function leftAtNewVersion(events) {
    const left = new Map();
    for (const e of events) {
        if (!e.flow)
            continue;
        if (e.type === 'publish-succeeded')
            left.set(e.flow, e.details.toVersion);
        else if ((e.type === 'publish-failed' && e.details.conflict) || e.type === 'rollback-flow')
            left.delete(e.flow);
    }
    return left;
}
/** The cancellation flush: the evidence must be written while the engine is still running. */
function cancelledVerdict(events, signal) {
    const outcome = unfinishedOutcome(events);
    const started = events.filter((e) => e.type === 'rollback-started').length;
    const finished = events.filter((e) => e.type === 'rollback-finished').length;
    if (started > finished) {
        return {
            outcome,
            message: `Cancelled by ${signal}: the rollback did not finish before the evidence had to be written, so the flows it was restoring are unverified and need manual attention.`
        };
    }
    if (outcome === 'rollback-failed')
        return { outcome, message: `Cancelled by ${signal}: the rollback failed.` };
    if (outcome === 'rolled-back' || finished > 0)
        return { outcome, message: `Cancelled by ${signal}` };
    const left = [...leftAtNewVersion(events)].map(([name, v]) => `${name} ${v}`);
    return {
        outcome,
        message: left.length
            ? `Cancelled by ${signal}: nothing was rolled back; left at their new versions: ${left.join(', ')}. Re-run the release, or run it with command: rollback.`
            : `Cancelled by ${signal}`
    };
}
/** Who created the other publisher's version: its OAuth client, or its user. */
function conflictCreator(c) {
    if (c.createdByClient)
        return `OAuth client ${c.createdByClient}`;
    const u = c.createdBy;
    return u?.name || u?.id ? `user ${u.name ?? u.id}${u.name && u.id ? ` (${u.id})` : ''}` : 'an unnamed creator';
}
function conflictText(facts) {
    const list = facts.conflicts.flatMap((f) => f.conflict
        ? [
            `${f.name} (version ${f.conflict.version} created by ${conflictCreator(f.conflict)}, published ${f.conflict.datePublished ?? 'at an unknown time'})`
        ]
        : []);
    return list.length
        ? ` Not rolled back because another publisher's version is live (conflict): ${list.join('; ')}.`
        : '';
}
const expectedVsActual = (r) => `${r.name} (expected ${JSON.stringify(r.expected)}, actual ${JSON.stringify(r.actual)}: ${r.error ?? ''})`;
function successText(published) {
    if (published.length === 0)
        return 'Release succeeded: nothing needed publishing (every flow is unchanged).';
    return `Release succeeded: published ${published.map((p) => `${p.name} ${p.fromVersion ?? 'new'} → ${p.toVersion}`).join(', ')}.`;
}
/** A cancelled run starts nothing new, not even a rollback publish: it says what it leaves behind. */
function cancelledText(facts, e) {
    const where = e.stage ? ` during stage ${e.stage}` : '';
    const left = facts.published;
    let text;
    if (left.length === 0 && facts.inFlight.length === 0 && facts.conflicts.length === 0) {
        text = `Cancelled (${e.signal})${where}: no change was started after the signal, and nothing had been changed in the org.`;
    }
    else {
        const parts = [
            `Cancelled (${e.signal})${where}: no change was started after the signal and nothing was rolled back.`
        ];
        if (left.length) {
            parts.push(`Left at their new versions (published by this release, not rolled back): ${left
                .map((p) => `${p.name} ${p.toVersion} (was ${p.fromVersion ?? 'new'})`)
                .join(', ')}.`);
        }
        if (facts.inFlight.length) {
            parts.push(`In flight when cancelled, may still publish on the platform (state unknown): ${facts.inFlight
                .map((f) => `${f.name} (${f.inFlight})`)
                .join(', ')}.`);
        }
        if (facts.conflicts.length)
            parts.push(conflictText(facts).trim());
        parts.push('To finish or undo it: re-run the release, or run it with command: rollback.');
        text = parts.join(' ');
    }
    if (e.rollbackReason === undefined)
        return text;
    const done = (facts.rollback?.flows ?? []).filter((r) => r.ok).map((r) => r.name);
    return `${e.rollbackReason}. The rollback was cancelled${done.length ? ` after restoring ${done.join(', ')}` : ''}. ${text}`;
}
function rollbackText(facts, e) {
    const conflicts = conflictText(facts);
    const results = facts.rollback?.flows ?? [];
    if (facts.rollback?.ok) {
        return {
            outcome: 'rolled-back',
            message: `${e.reason.replace(/\.$/, '')}. Rolled back and verified: ${e.flows.join(', ')}.${conflicts}`
        };
    }
    const bad = results.filter((r) => !r.ok);
    return {
        outcome: 'rollback-failed',
        message: `${e.reason}. ROLLBACK FAILED for ${bad.map(expectedVsActual).join('; ')}. Restore these flows by hand in Architect or run command: rollback.${conflicts}`
    };
}
/** `command: rollback` after its restores (or after the signal stopped them). */
function restoreText(events, facts, e) {
    const results = facts.rollback?.flows ?? [];
    if (e.signal !== undefined) {
        const done = results.filter((r) => r.ok).map((r) => `${r.name} → ${r.actual.version ?? '?'}`);
        const unsure = results.filter((r) => !r.ok && r.attempts > 0).map((r) => r.name);
        const notReached = e.flows.filter((n) => !results.some((r) => r.name === n && r.ok));
        return {
            outcome: unfinishedOutcome(events),
            message: `Rollback to release ${e.releaseId} cancelled (${e.signal}): no restore was started after the signal.` +
                (done.length ? ` Restored and verified: ${done.join(', ')}.` : '') +
                (unsure.length ? ` In flight when cancelled, state unknown: ${unsure.join(', ')}.` : '') +
                (notReached.length ? ` Not restored: ${notReached.join(', ')}.` : '') +
                ' Run command: rollback again to finish.'
        };
    }
    if (!facts.rollback?.ok) {
        const bad = results.filter((r) => !r.ok);
        return {
            outcome: results.length < e.flows.length && bad.length === 0 ? 'failed' : 'rollback-failed',
            message: `Rollback to release ${e.releaseId} incomplete: ${bad.map(expectedVsActual).join('; ') || 'cancelled'}`
        };
    }
    return {
        outcome: 'succeeded',
        message: `Restored release ${e.releaseId}: ${results.map((r) => `${r.name} → ${r.actual.version}`).join(', ')}.`
    };
}
/** The engine's conclusion. */
function verdict(events, facts, e) {
    const failed = (message) => ({ outcome: 'failed', message });
    switch (e.kind) {
        case 'unknown-flows':
            return failed(`The flows input names flow(s) the manifest does not define; nothing was changed. Unknown:\n${e.unknown.map((n) => `  - ${JSON.stringify(n)}`).join('\n')}\nThe manifest defines:\n${e.known.map((n) => `  - ${JSON.stringify(n)}`).join('\n')}`);
        case 'plan-errors':
            return failed(`The plan has ${e.errors.length} problem(s); nothing was changed:\n- ${e.errors.join('\n- ')}`);
        case 'planned':
            return {
                outcome: 'planned',
                message: `Plan: ${e.toPublish} flow(s) to publish in ${e.stages} stage(s); nothing was changed.`
            };
        case 'succeeded':
            return { outcome: 'succeeded', message: successText(facts.published) };
        case 'crashed':
            return failed(`Release failed: ${e.error}`);
        case 'stage-failed':
            return failed(facts.conflicts.length
                ? `${e.reason}. ${conflictText(facts)}`
                : `${e.reason}. Nothing had been changed in the org.`);
        case 'rollback-off':
            return failed(`${e.reason}. Automatic rollback is off (rollback.automatic: false): ${e.flows.join(', ')} stay as published; run command: rollback to restore the last release.${conflictText(facts)}`);
        case 'rollback-done':
            return rollbackText(facts, e);
        case 'cancelled':
            return { outcome: unfinishedOutcome(events), message: cancelledText(facts, e) };
        case 'no-record':
            return failed(`No release record found (${e.dir}/release.json). command: rollback restores the last successful release, so a successful deploy must have committed release.json first.`);
        case 'restore-refused':
            return failed(`Cannot roll back to release ${e.releaseId}; nothing was changed:\n- ${e.errors.join('\n- ')}`);
        case 'restore-nothing':
            return {
                outcome: 'succeeded',
                message: `Every flow of release ${e.releaseId} is still at its recorded version; nothing to restore.`
            };
        case 'restore-done':
            return restoreText(events, facts, e);
        case 'refused':
            return failed(e.message);
    }
}


/***/ })

};
