export const id = 244;
export const ids = [244];
export const modules = {

/***/ 39987:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ systemClock)
/* harmony export */ });
/* unused harmony export FakeClock */
// Every wait in the action goes through a Clock so that tests can run on virtual time and never sleep for real.
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, Math.max(0, ms));
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    })
};
/**
 * Virtual clock for tests: `sleep` advances time instantly (after yielding to the event loop once, so that concurrent
 * work interleaves deterministically). `sleeps` records every requested wait so tests can assert on backoff.
 */
class FakeClock {
    sleeps = [];
    current;
    constructor(start = Date.UTC(2026, 0, 1)) {
        this.current = start;
    }
    now() {
        return this.current;
    }
    advance(ms) {
        this.current += ms;
    }
    async sleep(ms, signal) {
        if (signal?.aborted)
            throw signal.reason;
        this.sleeps.push(ms);
        await Promise.resolve();
        this.current += Math.max(0, ms);
    }
}


/***/ }),

/***/ 81168:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   P: () => (/* binding */ newReleaseId),
/* harmony export */   l: () => (/* binding */ httpGet)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
// Ids and small collaborators every edge (the action, the CLI) gives the pipeline the same way.

/** `rel-20261130T055939Z-a1b2c3`: sortable by time, unique enough for one org's releases. */
function newReleaseId(clock) {
    const stamp = new Date(clock.now())
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
    return `rel-${stamp}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(3).toString('hex')}`;
}
/** The http check kind's GET: no redirects followed, the body capped at 64 KiB. */
async function httpGet(url, timeoutMs) {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const body = (await res.text()).slice(0, 64 * 1024);
    return { status: res.status, body };
}


/***/ }),

/***/ 51508:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NK: () => (/* binding */ capSummary),
/* harmony export */   Pl: () => (/* binding */ safeUrl),
/* harmony export */   X1: () => (/* binding */ escapeText),
/* harmony export */   tp: () => (/* binding */ table),
/* harmony export */   yQ: () => (/* binding */ MARKDOWN)
/* harmony export */ });
/* unused harmony exports MAX_SUMMARY_BYTES, fmtNumber */
/** GitHub rejects step summaries over 1 MiB. */
const MAX_SUMMARY_BYTES = 1024 * 1024;
/** Longest single value shown in a cell; the audit log keeps the full text. */
const MAX_VALUE_CHARS = 500;
/**
 * Makes untrusted text inert inside Markdown (including table cells): one line, no control characters, the Markdown
 * punctuation that can start emphasis, code, links, math, headings or cells backslash-escaped, HTML special characters as entities, and `::` / `%` as entities so no line can
 * read as a workflow command or smuggle a percent-encoded newline.
 */
function escapeText(value, maxChars = MAX_VALUE_CHARS) {
    let s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
    const chars = Array.from(s);
    if (chars.length > maxChars)
        s = chars.slice(0, maxChars).join('') + '…';
    s = s
        .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
        .replace(/[\\`*_[\]|~$#]/g, '\\$&')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/%/g, '&#37;')
        .replace(/:(?=:)/g, '&#58;');
    return s;
}
/** Only http(s) links, with the characters that could end a Markdown link target percent-encoded. */
function safeUrl(url) {
    if (!url)
        return undefined;
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        return undefined;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        return undefined;
    return parsed.href.replace(/[()<>\s"'`[\]\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
/** A measured value: numbers to 4 significant digits, anything else escaped. */
function fmtNumber(v) {
    if (typeof v !== 'number' || !Number.isFinite(v))
        return escapeText(typeof v === 'object' ? JSON.stringify(v) : v);
    return String(Number.isInteger(v) ? v : Number(v.toPrecision(4)));
}
/** Markdown-safe rendering for the check kinds' descriptions of their measurements. */
const MARKDOWN = { text: escapeText, number: fmtNumber };
function table(header, rows) {
    return [
        `| ${header.join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...rows.map((r) => `| ${r.map((c) => c || ' ').join(' | ')} |`)
    ];
}
/** Cuts whole lines so the text fits in `maxBytes`, ending with a note that says so. */
function capSummary(markdown, maxBytes = MAX_SUMMARY_BYTES) {
    const total = Buffer.byteLength(markdown, 'utf8');
    if (total <= maxBytes)
        return markdown;
    const note = (shown) => `\n> ⚠️ **Summary truncated**: showing ${shown} of ${total} bytes (GitHub limits a step summary to 1 MiB). The audit log artifact holds the full record.\n`;
    const budget = maxBytes - Buffer.byteLength(note(total), 'utf8');
    const kept = [];
    let used = 0;
    for (const line of markdown.split('\n')) {
        const size = Buffer.byteLength(line, 'utf8') + 1;
        if (used + size > budget)
            break;
        kept.push(line);
        used += size;
    }
    return kept.join('\n') + '\n' + note(used);
}


/***/ }),

/***/ 10500:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   n: () => (/* binding */ sealJournal)
/* harmony export */ });
const NO_API_CALLS = { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 };
function sealJournal(journal, clock, end) {
    if (!journal.events.some((e) => e.type === 'release-finished')) {
        journal.append('release-finished', {
            status: end.outcome === 'succeeded' || end.outcome === 'planned' ? 'ok' : 'error',
            details: {
                outcome: end.outcome,
                durationMs: clock.now() - Date.parse(journal.events[0]?.at ?? new Date(clock.now()).toISOString()),
                published: end.published ?? [],
                api: end.api ?? NO_API_CALLS,
                message: end.stepError ?? end.message
            }
        });
    }
    journal.seal();
}


/***/ }),

/***/ 18414:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fR: () => (/* binding */ buildSummary)
});

// UNUSED EXPORTS: MAX_SUMMARY_BYTES, capSummary, escapeText, formatMeasurement, safeUrl

// EXTERNAL MODULE: ./src/journal/derive.ts + 2 modules
var derive = __webpack_require__(54879);
// EXTERNAL MODULE: ./src/journal/journal.ts
var journal = __webpack_require__(14896);
// EXTERNAL MODULE: ./src/evidence/markdown.ts
var markdown = __webpack_require__(51508);
;// CONCATENATED MODULE: ./src/evidence/summary-sections.ts

const MAX_LIST_ITEMS = 50;
function rollbackSection(d) {
    if (!d.rollbacks.length)
        return [];
    const out = ['### Rollback', ''];
    const state = (s) => s.deleted ? 'deleted' : s.version !== undefined ? `version ${(0,markdown/* escapeText */.X1)(s.version)}` : 'unknown';
    // A republish restores the old content as a new version: say so instead of implying the old version is live.
    const expectedText = (r) => r.action === 'republish' && !r.expected.deleted && r.expected.version !== undefined
        ? `content of ${(0,markdown/* escapeText */.X1)(r.expected.version)}`
        : state(r.expected);
    const actualText = (r) => {
        if (r.action !== 'republish' || r.actual.deleted || r.actual.version === undefined)
            return state(r.actual);
        const { contentHash: want } = r.expected;
        const { contentHash: got } = r.actual;
        const match = want && got ? (want === got ? ' (content matches)' : ' (content differs)') : '';
        return `${(0,markdown/* escapeText */.X1)(r.actual.version)}${match}`;
    };
    for (const rb of d.rollbacks) {
        const verdict = rb.ok === null ? '⏳ did not finish' : rb.ok ? '✅ verified' : '🚨 failed';
        out.push(`**Reason:** ${(0,markdown/* escapeText */.X1)(rb.reason)} — ${verdict}`, '');
        if (rb.flows.length) {
            out.push(...(0,markdown/* table */.tp)(['Flow', 'Action', 'Expected', 'Actual', 'Attempts', 'Result'], rb.flows.map((r) => [
                (0,markdown/* escapeText */.X1)(r.name),
                (0,markdown/* escapeText */.X1)(r.action),
                expectedText(r),
                actualText(r),
                (0,markdown/* escapeText */.X1)(r.attempts),
                r.ok ? '✅ ok' : `❌ failed${r.error ? `: ${(0,markdown/* escapeText */.X1)(r.error)}` : ''}`
            ])), '');
        }
    }
    return out;
}
function validationSection(d) {
    if (!d.validationIssues.length)
        return [];
    const shown = d.validationIssues.slice(0, MAX_LIST_ITEMS * 4);
    const out = [
        `### Validation issues (${d.validationIssues.length})`,
        '',
        ...(0,markdown/* table */.tp)(['Location', 'Field', 'Message'], shown.map((i) => [
            `${(0,markdown/* escapeText */.X1)(i.file)}:${(0,markdown/* escapeText */.X1)(i.line)}${i.column ? `:${(0,markdown/* escapeText */.X1)(i.column)}` : ''}`,
            (0,markdown/* escapeText */.X1)(i.path || '—'),
            (0,markdown/* escapeText */.X1)(i.message) + (i.fix ? `<br>Fix: ${(0,markdown/* escapeText */.X1)(i.fix)}` : '')
        ])),
        ''
    ];
    if (shown.length < d.validationIssues.length) {
        out.push(`…and ${d.validationIssues.length - shown.length} more in the audit log.`, '');
    }
    return out;
}
function listSection(title, items) {
    if (!items.length)
        return [];
    const out = [`### ${title}`, '', ...items.slice(0, MAX_LIST_ITEMS).map((m) => `- ${(0,markdown/* escapeText */.X1)(m)}`)];
    if (items.length > MAX_LIST_ITEMS)
        out.push(`- …and ${items.length - MAX_LIST_ITEMS} more in the audit log.`);
    return [...out, ''];
}
function linksSection(d, links) {
    const parts = [];
    const run = (0,markdown/* safeUrl */.Pl)(links.runUrl);
    const artifact = (0,markdown/* safeUrl */.Pl)(links.artifactUrl);
    const commit = (0,markdown/* safeUrl */.Pl)(links.commitUrl);
    if (run)
        parts.push(`[Workflow run](${run})`);
    if (artifact)
        parts.push(`[Audit log artifact](${artifact})`);
    else if (links.auditLocalPath)
        parts.push(`Audit log written to ${(0,markdown/* escapeText */.X1)(links.auditLocalPath)}`);
    if (commit)
        parts.push(`[Release commit${d.commit?.sha ? ` ${(0,markdown/* escapeText */.X1)(d.commit.sha.slice(0, 7))}` : ''}](${commit})`);
    else if (d.commit?.sha)
        parts.push(`Release commit ${(0,markdown/* escapeText */.X1)(d.commit.sha.slice(0, 7))}`);
    return parts.length ? ['### Links', '', parts.join(' · '), ''] : [];
}

;// CONCATENATED MODULE: ./src/evidence/summary-doctor.ts

const RESULT = { ok: '✅ ok', warn: '⚠️ warn', fail: '❌ fail', skipped: '➖ skipped' };
function doctorSection(d) {
    if (d.command !== 'doctor')
        return [];
    if (!d.probes.length)
        return ['### Probes', '', 'No probe ran.', ''];
    return [
        '### Probes',
        '',
        ...(0,markdown/* table */.tp)(['Probe', 'Result', 'Observed', 'What to do'], d.probes.map((p) => [
            `${(0,markdown/* escapeText */.X1)(p.name)}${p.required ? ' (required)' : ''}`,
            RESULT[p.result] ?? (0,markdown/* escapeText */.X1)(p.result),
            (0,markdown/* escapeText */.X1)(p.observed, 600),
            p.fix ? `${p.result === 'skipped' ? 'why: ' : ''}${(0,markdown/* escapeText */.X1)(p.fix, 400)}` : ''
        ])),
        '',
        'Read-only: the only request that creates anything is one Architect job registered and never uploaded; no API ' +
            'deletes or cancels an Architect job, and an unused registered job expires on its own. Export jobs and analytics ' +
            'queries are POSTs that change no flow.',
        ''
    ];
}

// EXTERNAL MODULE: ./src/checks/describe.ts
var describe = __webpack_require__(54908);
;// CONCATENATED MODULE: ./src/evidence/summary-stages.ts
// The stage and plan tables of the step summary: stages × flows with their checks' measurements (each described by
// its check kind). Every value from a person or an API goes through escapeText.



/** "failure rate 0.12 > max 0.05 (140 samples)", "status FAILED ≠ expected COMPLETED", "HTTP 503 ≠ expected 200". */
function formatMeasurement(c) {
    return (0,describe/* describeMeasurement */.I)(c, markdown/* MARKDOWN */.yQ);
}
const CHECK_ICON = {
    pass: '✅',
    fail: '❌',
    inconclusive: '❔',
    'pass-with-warning': '⚠️'
};
const FAILING = new Set(['fail', 'inconclusive']);
function checkText(c) {
    return `${CHECK_ICON[c.result]} ${(0,markdown/* escapeText */.X1)(c.check)}: ${formatMeasurement(c)}${c.round > 1 ? ` (round ${c.round})` : ''}`;
}
/**
 * One entry per check (and flow) of a stage: the measurement that decided the stage — the first failing bake round,
 * else the last round — followed by the re-check on the restored versions after a rollback (round 0), labelled as
 * such, so a passing re-check never hides the measurement that caused the rollback.
 */
function stageCheckTexts(checks) {
    const byName = new Map();
    for (const c of [...checks].sort((a, b) => a.seq - b.seq)) {
        const key = `${c.check}\u0000${c.flow ?? ''}`;
        const entry = byName.get(key) ?? {};
        byName.set(key, entry);
        if (c.round === 0)
            entry.recheck = c;
        else if (!entry.decisive || !FAILING.has(entry.decisive.result))
            entry.decisive = c;
    }
    return [...byName.values()].map(({ decisive, recheck }) => {
        const after = recheck
            ? `after rollback: ${CHECK_ICON[recheck.result]} ${decisive ? '' : `${(0,markdown/* escapeText */.X1)(recheck.check)}: `}${formatMeasurement(recheck)}`
            : '';
        const first = decisive ?? recheck;
        return {
            flow: first?.flow ?? null,
            text: decisive ? (after ? `${checkText(decisive)}<br>${after}` : checkText(decisive)) : after
        };
    });
}
function versionCell(f) {
    const from = f.fromVersion === null ? 'new' : (0,markdown/* escapeText */.X1)(f.fromVersion);
    let out = f.toVersion !== null ? `${from} → ${(0,markdown/* escapeText */.X1)(f.toVersion)}` : f.fromVersion === null ? '—' : from;
    if (f.rollback)
        out += f.rollback.ok ? ` ↩ ${f.finalVersion === null ? 'deleted' : (0,markdown/* escapeText */.X1)(f.finalVersion)}` : ' ↩ ❌';
    return out;
}
const STATUS_TEXT = {
    planned: '📋 planned',
    unchanged: '➖ unchanged',
    skipped: '⏭️ skipped',
    refused: '⛔ refused',
    'not-started': '⏸️ not started',
    publishing: '⏳ publishing',
    published: '✅ published',
    'publish-failed': '❌ publish failed',
    'rolled-back': '↩️ rolled back',
    'rollback-failed': '🚨 rollback failed'
};
function stagesSection(d) {
    const rows = [];
    const byName = new Map(d.flows.map((f) => [f.name, f]));
    const placed = new Set();
    for (const st of d.stages) {
        const checks = stageCheckTexts(d.checks.filter((c) => c.stage === st.name));
        const stageChecks = checks.filter((c) => !c.flow || !st.flows.includes(c.flow));
        const names = st.flows.length ? st.flows : [''];
        names.forEach((name, i) => {
            const f = byName.get(name);
            if (name)
                placed.add(name);
            const cellChecks = [...(i === 0 ? stageChecks : []), ...checks.filter((c) => c.flow === name && name)];
            const stageLabel = i === 0
                ? `${(0,markdown/* escapeText */.X1)(st.name)}${st.status === 'failed' ? ' ❌' : st.status === 'succeeded' ? ' ✅' : ''}`
                : '';
            rows.push([
                stageLabel,
                name ? (0,markdown/* escapeText */.X1)(name) : '—',
                f?.action ? (0,markdown/* escapeText */.X1)(f.action) : '—',
                f ? versionCell(f) : '—',
                f ? STATUS_TEXT[f.status] : '—',
                cellChecks.map((c) => c.text).join('<br>') || (i === 0 && st.checks.length ? 'not run' : '—')
            ]);
        });
    }
    for (const f of d.flows) {
        if (placed.has(f.name))
            continue;
        rows.push([
            '—',
            (0,markdown/* escapeText */.X1)(f.name),
            f.action ? (0,markdown/* escapeText */.X1)(f.action) : '—',
            versionCell(f),
            STATUS_TEXT[f.status],
            '—'
        ]);
    }
    if (!rows.length)
        return [];
    const out = ['### Stages', '', ...(0,markdown/* table */.tp)(['Stage', 'Flow', 'Action', 'Version', 'Result', 'Checks'], rows), ''];
    const failed = d.stages.filter((s) => s.status === 'failed' && s.reason);
    for (const s of failed)
        out.push(`**Stage ${(0,markdown/* escapeText */.X1)(s.name)} failed:** ${(0,markdown/* escapeText */.X1)(s.reason)}`, '');
    return out;
}
function planSection(d) {
    if (!d.flows.length)
        return [];
    const rows = d.flows.map((f) => {
        const notes = [(0,markdown/* escapeText */.X1)(f.reason ?? '')];
        if (f.drift) {
            notes.push(`⚠️ drift: release record says ${(0,markdown/* escapeText */.X1)(f.drift.recordedVersion)}, org has ${(0,markdown/* escapeText */.X1)(f.drift.actualVersion ?? 'none')}`);
        }
        if (f.lockedBy)
            notes.push(`🔒 locked by ${(0,markdown/* escapeText */.X1)(f.lockedBy)}`);
        if (f.error)
            notes.push(`⛔ ${(0,markdown/* escapeText */.X1)(f.error)}`);
        return [
            (0,markdown/* escapeText */.X1)(f.stage ?? '—'),
            (0,markdown/* escapeText */.X1)(f.name),
            (0,markdown/* escapeText */.X1)(f.type ?? '—'),
            f.action ? `**${(0,markdown/* escapeText */.X1)(f.action)}**` : '—',
            f.fromVersion === null ? 'none' : (0,markdown/* escapeText */.X1)(f.fromVersion),
            (0,markdown/* escapeText */.X1)(f.source ?? '—'),
            notes.filter(Boolean).join('<br>')
        ];
    });
    const out = [
        '### Plan',
        '',
        ...(0,markdown/* table */.tp)(['Stage', 'Flow', 'Type', 'Action', 'Published version', 'Source', 'Reason'], rows),
        ''
    ];
    const withChecks = d.stages.filter((s) => s.checks.length || s.bakeMs);
    if (withChecks.length) {
        out.push(...(0,markdown/* table */.tp)(['Stage', 'Bake', 'Checks'], withChecks.map((s) => [
            (0,markdown/* escapeText */.X1)(s.name),
            s.bakeMs ? (0,derive/* formatDuration */.a)(s.bakeMs) : '—',
            s.checks.map((c) => (0,markdown/* escapeText */.X1)(c)).join(', ') || '—'
        ])), '');
    }
    return out;
}

;// CONCATENATED MODULE: ./src/evidence/summary-ledger.ts

function first(events, type) {
    return events.find((e) => e.type === type);
}
function recoveryLines(events) {
    const started = first(events, 'recovery-started');
    if (!started)
        return [];
    const d = started.details;
    const out = [
        `**Unfinished release ${(0,markdown/* escapeText */.X1)(d.releaseId)}** of a previous run${d.runUrl ? ` (${(0,markdown/* escapeText */.X1)(d.runUrl)})` : ''}, ` +
            `started ${(0,markdown/* escapeText */.X1)(d.startedAt)} (on-unfinished: ${d.onUnfinished}). The flows it may have changed, as found:`,
        ''
    ];
    const finished = first(events, 'recovery-finished')?.details;
    const rows = d.flows.map((f) => {
        const r = finished?.flows.find((x) => x.name === f.name);
        const who = [f.live?.createdByClient ? `client ${f.live.createdByClient}` : '', f.live?.createdBy ?? '']
            .filter(Boolean)
            .join(', ');
        return [
            (0,markdown/* escapeText */.X1)(f.name),
            (0,markdown/* escapeText */.X1)(f.beforeVersion ?? 'none'),
            f.live ? (0,markdown/* escapeText */.X1)(f.live.version ?? 'none') : 'absent',
            (0,markdown/* escapeText */.X1)(who || '—'),
            (0,markdown/* escapeText */.X1)(f.live?.datePublished ?? '—'),
            r
                ? r.ok
                    ? `✅ ${r.action === 'delete' ? 'deleted' : `restored → ${(0,markdown/* escapeText */.X1)(r.actual.version ?? '?')}`}`
                    : `❌ ${(0,markdown/* escapeText */.X1)(r.error ?? 'not restored')}`
                : '—'
        ];
    });
    out.push(...(0,markdown/* table */.tp)(['Flow', 'Before', 'Live when found', 'Published by', 'Published at', 'Recovery'], rows));
    if (finished) {
        out.push(finished.ok
            ? `Recovered: every flow is back at its last known-good content, verified; recorded as ${(0,markdown/* escapeText */.X1)(finished.recordedAs ?? '')}.`
            : 'Recovery incomplete: the release stays in progress in the ledger for the next run.', '');
    }
    return out;
}
function ledgerSection(events) {
    const read = first(events, 'ledger-read');
    if (!read)
        return [];
    const d = read.details;
    const out = ['### Release state', ''];
    out.push(`Ledger of org ${(0,markdown/* escapeText */.X1)(d.orgId)}${d.orgName ? ` (${(0,markdown/* escapeText */.X1)(d.orgName)})` : ''} on ${(0,markdown/* escapeText */.X1)(d.location)}: ` +
        `${d.releases} release(s) in its history.`, '');
    for (const e of events) {
        if (e.type === 'lock-taken-over') {
            out.push(`- ⚠️ Lock taken over from release ${(0,markdown/* escapeText */.X1)(e.details.from)}${e.details.fromRunUrl ? ` (${(0,markdown/* escapeText */.X1)(e.details.fromRunUrl)})` : ''}, ` +
                `lease until ${(0,markdown/* escapeText */.X1)(e.details.fromLeaseUntil)} (${e.details.reason === 'explicit' ? 'takeover-lock: true' : 'lease ended, run finished'}).`);
        }
        else if (e.type === 'lock-acquired') {
            out.push(`- Lock taken by ${(0,markdown/* escapeText */.X1)(e.details.holder)}, lease until ${(0,markdown/* escapeText */.X1)(e.details.leaseUntil)}.`);
        }
        else if (e.type === 'lock-released') {
            out.push(`- Lock released after ${e.details.pushes} ledger push(es)${e.details.note ? `: ${(0,markdown/* escapeText */.X1)(e.details.note)}` : '.'}`);
        }
    }
    if (out.length > 4)
        out.push('');
    out.push(...recoveryLines(events));
    const orphaned = first(events, 'orphaned-flows');
    if (orphaned) {
        out.push('**Still live in the org, no longer managed by this manifest:** ' +
            orphaned.details.flows
                .map((f) => `${(0,markdown/* escapeText */.X1)(f.name)} (${(0,markdown/* escapeText */.X1)(f.type)}, version ${(0,markdown/* escapeText */.X1)(f.version ?? '?')})`)
                .join(', ') +
            '. List them under `retired:` to delete them, or add them back to the manifest.', '');
    }
    return out;
}

;// CONCATENATED MODULE: ./src/evidence/summary.ts









const OUTCOME_HEAD = {
    succeeded: '✅ Flow Release succeeded',
    planned: '📋 Flow Release planned',
    'rolled-back': '↩️ Flow Release rolled back',
    failed: '❌ Flow Release failed',
    'rollback-failed': '🚨 Flow Release rollback failed'
};
function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return url;
    }
}
function buildSummary(events, links = {}) {
    const d = (0,derive/* deriveRelease */.h)(events);
    const out = [];
    const head = d.command === 'doctor'
        ? d.outcome === 'succeeded'
            ? '🩺 Flow Release doctor: every required probe passed'
            : '🩺❌ Flow Release doctor: a required probe failed'
        : OUTCOME_HEAD[d.outcome];
    out.push(`## ${head}`, '');
    out.push(`**${(0,markdown/* escapeText */.X1)(d.reason, 2000)}**`, '');
    const facts = [
        d.releaseId ? `Release ${(0,markdown/* escapeText */.X1)(d.releaseId)}` : undefined,
        d.command ? `command ${(0,markdown/* escapeText */.X1)(d.command)}` : undefined,
        d.started?.target ? `org ${(0,markdown/* escapeText */.X1)(d.started.target.region ?? hostOf(d.started.target.apiUrl))}` : undefined,
        `duration ${(0,derive/* formatDuration */.a)(d.durationMs)}`,
        d.api ? `API ${d.api.calls} calls, ${d.api.retries} retries, ${d.api.throttled} throttled` : undefined
    ].filter(Boolean);
    out.push(facts.join(' · '), '');
    for (const n of d.notes)
        out.push(`> ⚠️ ${(0,markdown/* escapeText */.X1)(n)}`, '');
    if (d.command === 'doctor')
        out.push(...doctorSection(d));
    else if (d.outcome === 'planned')
        out.push(...planSection(d));
    else if (!(d.outcome === 'failed' && d.validationIssues.length && !d.stages.some((s) => s.startedAt))) {
        out.push(...stagesSection(d));
    }
    out.push(...rollbackSection(d));
    out.push(...ledgerSection(events));
    out.push(...validationSection(d));
    out.push(...listSection('Errors', d.errors));
    out.push(...listSection('Warnings', d.warnings));
    if (d.commit?.error)
        out.push(`**Commit failed:** ${(0,markdown/* escapeText */.X1)(d.commit.error)}`, '');
    out.push(...linksSection(d, links));
    const last = events.at(-1);
    if (last)
        out.push(`<sub>Journal: ${events.length} events, head sha256 ${(0,journal/* hashEvent */.dT)(last)}</sub>`, '');
    return (0,markdown/* capSummary */.NK)(out.join('\n'));
}


/***/ }),

/***/ 63341:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   XS: () => (/* binding */ GitError),
/* harmony export */   _I: () => (/* binding */ scrub),
/* harmony export */   iR: () => (/* binding */ GitCommandError),
/* harmony export */   kc: () => (/* binding */ errorText)
/* harmony export */ });
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6800);
// The committer's errors. Every message is scrubbed of registered secrets and of credentials embedded in URLs, so
// a git error can be logged or reported as it is.

class GitError extends Error {
    kind;
    /** Push attempts made before the failure (0 when it failed before pushing). */
    attempts;
    /** The local release commit, kept so that nothing is lost, when one was made. */
    sha;
    constructor(kind, message, details = {}) {
        super(scrub(message));
        this.name = 'GitError';
        this.kind = kind;
        this.attempts = details.attempts ?? 0;
        this.sha = details.sha;
    }
}
/** Thrown when git exits non-zero; `output` is stderr + stdout, already redacted. */
class GitCommandError extends Error {
    output;
    constructor(args, output) {
        super(`git ${args[0] ?? ''} failed: ${output}`);
        this.output = output;
    }
}
function errorText(e) {
    if (e instanceof GitCommandError)
        return e.output || e.message;
    return scrub(e instanceof Error ? e.message : String(e));
}
/** Redacts registered secrets and credentials embedded in URLs (`https://user:pass@host`). */
function scrub(text) {
    return _common_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redactor */ .$.redact(text).replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}


/***/ }),

/***/ 57546:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ isNonFastForward),
/* harmony export */   j: () => (/* binding */ pushWithRebase)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(63341);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73073);


/** `git push` (LC_ALL=C) reports a moved branch as `[rejected] ... (fetch first)` or `(non-fast-forward)`. */
function isNonFastForward(output) {
    if (/\[remote rejected\]/.test(output))
        return false;
    return /\[rejected\][^\n]*\((fetch first|non-fast-forward)\)/.test(output);
}
/** A refusal by the server (hook, protected branch, permissions), as opposed to a transport failure. */
function isRefusal(output) {
    return /\[(remote )?rejected\]|declined|denied|forbidden|returned error: 40[13]|protected branch/i.test(output);
}
/** Pushes `sha` (committed with `files` changed); on non-fast-forward fetches, rebases and retries. */
async function pushWithRebase(o, commitSha, files) {
    let sha = commitSha;
    const header = (0,_run_js__WEBPACK_IMPORTED_MODULE_1__/* .authFor */ .Ob)(await remoteUrls(o, sha), o.authHeader, o.logger);
    const target = `${o.remote}/${o.branch}`;
    for (let attempt = 1;; attempt++) {
        o.logger.info(`Pushing ${sha.slice(0, 12)} to ${target} (attempt ${attempt} of ${o.maxAttempts})`);
        const output = await push(o, header);
        if (output === undefined) {
            o.logger.info(`Pushed release commit ${sha} to ${target}`);
            return { sha, pushed: true, attempts: attempt, files };
        }
        if (!isNonFastForward(output))
            throw pushFailed(output, sha, target, attempt);
        if (attempt >= o.maxAttempts) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GitError */ .XS('retries-exhausted', `Pushing the release commit ${sha} to ${target} was rejected as non-fast-forward ${attempt} times: ` +
                'the branch keeps moving. The commit is kept locally and was not force-pushed; re-run the release ' +
                'when the branch is quiet (a concurrency group on the workflow prevents this).', { attempts: attempt, sha });
        }
        o.logger.warning(`${target} moved since checkout; rebasing the release commit onto it and retrying.`);
        sha = await rebaseOnto(o, header, sha, attempt);
    }
}
/** The remote's fetch and push URLs (once each), which the auth header is scoped to. */
async function remoteUrls(o, sha) {
    const urls = [];
    for (const extra of [[], ['--push']]) {
        const url = (await o.git.run(['remote', 'get-url', ...extra, o.remote]).catch((e) => {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GitError */ .XS('git-failed', `The repository has no usable remote "${o.remote}" (${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorText */ .kc)(e)}). ` +
                `The release commit ${sha} is kept locally.`, { sha });
        })).trim();
        if (!urls.includes(url))
            urls.push(url);
    }
    return urls;
}
/** One push of HEAD; undefined when it went through, else git's (redacted) output. */
async function push(o, header) {
    try {
        await o.git.run(['push', '--porcelain', '--no-verify', '--recurse-submodules=no', o.remote, `HEAD:refs/heads/${o.branch}`], { auth: header });
        return undefined;
    }
    catch (e) {
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorText */ .kc)(e);
    }
}
/** The error for a push that failed for a reason other than non-fast-forward. */
function pushFailed(output, sha, target, attempt) {
    const refused = isRefusal(output);
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GitError */ .XS(refused ? 'rejected' : 'git-failed', `${refused ? 'The remote rejected' : 'Could not push'} the release commit ${sha} to ${target}: ` +
        `${output}\nThe commit is kept locally and was not force-pushed. ` +
        (refused
            ? `If the branch is protected, let ${_run_js__WEBPACK_IMPORTED_MODULE_1__/* .BOT_NAME */ .Wm} push to it (or set commit-artifacts: false), and ` +
                'check that the workflow has permissions: contents: write.'
            : 'Check the remote URL, the network and the token.') +
        ' The exported flows are also in the audit artifact.', { attempts: attempt, sha });
}
async function rebaseOnto(o, header, sha, attempts) {
    const { git, remote, branch } = o;
    const tracking = `refs/remotes/${remote}/${branch}`;
    try {
        await git.run(['fetch', '--no-tags', '--no-recurse-submodules', remote, `+refs/heads/${branch}:${tracking}`], {
            auth: header
        });
    }
    catch (e) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GitError */ .XS('git-failed', `Fetching ${remote}/${branch} after a rejected push failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorText */ .kc)(e)}\n` +
            `The release commit ${sha} is kept locally and was not pushed.`, { attempts, sha });
    }
    try {
        await git.run(['rebase', '--no-verify', '--autostash', tracking], { identity: true });
    }
    catch (e) {
        const conflicted = (0,_run_js__WEBPACK_IMPORTED_MODULE_1__/* .splitZ */ .fs)(await git.run(['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => ''));
        await git.run(['rebase', '--abort']).catch(() => undefined);
        const what = conflicted.length > 0 ? `conflicts in ${conflicted.join(', ')}` : (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorText */ .kc)(e);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GitError */ .XS('conflict', `${remote}/${branch} moved and the release commit ${sha} could not be rebased onto it (${what}). ` +
            'The rebase was aborted and nothing was force-pushed; the commit is kept locally. Someone changed the ' +
            'released files at the same time: re-run the release on the new head, or merge the change by hand.', { attempts, sha });
    }
    const rebased = (await git.run(['rev-parse', 'HEAD']).catch((e) => {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GitError */ .XS('git-failed', `Reading HEAD after the rebase failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorText */ .kc)(e)}`, { attempts, sha });
    })).trim();
    o.logger.info(`Rebased the release commit onto ${remote}/${branch}: ${rebased}`);
    return rebased;
}


/***/ }),

/***/ 73073:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ob: () => (/* binding */ authFor),
/* harmony export */   RI: () => (/* binding */ authHeaderFor),
/* harmony export */   Wm: () => (/* binding */ BOT_NAME),
/* harmony export */   bl: () => (/* binding */ GitRunner),
/* harmony export */   fs: () => (/* binding */ splitZ)
/* harmony export */ });
/* unused harmony export BOT_EMAIL */
/* harmony import */ var simple_git__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74724);
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6800);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(63341);
// Running one git command safely: nothing that controls git is inherited from the runner's environment, prompts are
// off, pathspecs are literal, the bot identity is passed per command, and the token travels only in the environment
// of the one fetch/push that needs it (GIT_CONFIG_* entries for http.extraheader, scoped to the remote's https URLs):
// never in the remote URL, .git/config, the process command line, a log line or an error.



const BOT_NAME = 'github-actions[bot]';
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';
// Environment variables simple-git's environment guard treats as git-controlling: never inherited, because an
// inherited GIT_TRACE_CURL, GIT_SSH_COMMAND or GIT_CONFIG_* could leak the token or run arbitrary commands.
const GUARDED_ENV = new Set(['editor', 'pager', 'prefix', 'visual', 'ssh_askpass']);
// Harmless git variables worth keeping from the runner: custom CA bundles behind corporate proxies.
const INHERITED_GIT_ENV = ['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_PROXY_SSL_CAINFO'];
/**
 * The http.extraheader value for a token, or undefined without one. The token and its Basic form are registered with
 * the redactor and the logger's secret masking before anything can print them.
 */
function authHeaderFor(token, logger) {
    if (!token)
        return undefined;
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    _common_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redactor */ .$.add(token);
    _common_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redactor */ .$.addBasic('x-access-token', token);
    logger.setSecret(token);
    logger.setSecret(basic);
    return `AUTHORIZATION: basic ${basic}`;
}
/** The auth header is sent only to https remotes: never in clear text, and local paths need none. */
function authFor(urls, header, logger) {
    if (!header)
        return undefined;
    if (urls.some((u) => /^http:\/\//i.test(u))) {
        logger.warning('The remote uses plain http; the token is not sent over an unencrypted connection.');
    }
    const https = urls.filter((u) => /^https:\/\//i.test(u));
    return https.length > 0 ? { header, urls: https } : undefined;
}
/** Splits `-z` output. */
function splitZ(out) {
    return out.split('\0').filter((s) => s.trim() !== '');
}
/** The runner's environment without anything that controls git. */
function inheritedEnv() {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (v === undefined)
            continue;
        const lower = k.toLowerCase();
        if (lower.startsWith('git') || GUARDED_ENV.has(lower))
            continue;
        env[k] = v;
    }
    return env;
}
/** The git variables this file sets for one command, the scoped auth header included. */
function ownEnv(auth) {
    const own = {
        // Never wait for a username/password prompt: a CI job would hang until it is killed.
        GIT_TERMINAL_PROMPT: '0',
        // Treat pathspecs literally: a file named `*.yaml` or `:(glob)x` matches only itself.
        GIT_LITERAL_PATHSPECS: '1'
    };
    for (const k of INHERITED_GIT_ENV) {
        const v = process.env[k];
        if (v)
            own[k] = v;
    }
    if (auth) {
        // Scoped to the exact remote URL: git applies only the most specific http.<url>.* match, so a header that
        // actions/checkout persisted for https://github.com/ is overridden, and the empty value first clears it
        // so that it is not sent next to ours (GitHub rejects a request with two Authorization headers).
        let n = 0;
        for (const url of auth.urls) {
            for (const value of ['', auth.header]) {
                own[`GIT_CONFIG_KEY_${n}`] = `http.${url}.extraheader`;
                own[`GIT_CONFIG_VALUE_${n}`] = value;
                n++;
            }
        }
        own.GIT_CONFIG_COUNT = String(n);
    }
    return own;
}
/** Runs git commands in one working tree. */
class GitRunner {
    cwd;
    logger;
    idleTimeoutMs;
    constructor(cwd, logger, idleTimeoutMs) {
        this.cwd = cwd;
        this.logger = logger;
        this.idleTimeoutMs = idleTimeoutMs;
    }
    /** Runs one git command; rejects with a GitCommandError carrying git's redacted output. */
    async run(args, options = {}) {
        const env = inheritedEnv();
        const own = ownEnv(options.auth);
        const allowConfigEnv = Boolean(options.auth);
        const config = options.identity ? [`user.name=${BOT_NAME}`, `user.email=${BOT_EMAIL}`, 'commit.gpgsign=false'] : [];
        const git = (0,simple_git__WEBPACK_IMPORTED_MODULE_0__/* .simpleGit */ .Lp)({
            baseDir: this.cwd,
            config,
            // Only the keys set above are allowed; the config-env permission is for http.extraheader, set by this file.
            allowEnvironment: Object.keys(own),
            unsafe: { allowUnsafeConfigEnvCount: allowConfigEnv },
            timeout: { block: this.idleTimeoutMs },
            errors: (error, result) => {
                if (error)
                    return error;
                if (result.exitCode === 0)
                    return undefined;
                return Buffer.concat([...result.stdErr, ...result.stdOut]);
            }
        }).env({ ...env, LC_ALL: 'C', LANGUAGE: 'C', GCM_INTERACTIVE: 'never', ...own });
        this.logger.debug(`git ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .scrub */ ._I)(args.join(' '))}`);
        try {
            return await git.raw(args);
        }
        catch (e) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitCommandError */ .iR(args, (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .scrub */ ._I)(e instanceof Error ? e.message : String(e)).trim());
        }
    }
}


/***/ }),

/***/ 87120:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ validateRequest),
/* harmony export */   Xe: () => (/* binding */ validateBranch),
/* harmony export */   bR: () => (/* binding */ validateRemote)
/* harmony export */ });
/* unused harmony export validateRelativePath */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(63341);
// Validation of everything the committer hands to git or writes, before git runs or a file is written: a branch,
// remote or path from a hostile flow name can never become a git option, escape the working tree, touch `.git` or
// write through a symbolic link.



// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Validates the whole request (and the configured remote); throws a GitError of kind 'invalid-input'. */
async function validateRequest(req, remoteName) {
    const cwd = await checkCwd(req.cwd);
    const branch = validateBranch(req.branch);
    const remote = validateRemote(remoteName);
    const cleanDir = validateRelativePath(cwd, req.cleanDir, 'cleanDir');
    const files = req.files.map((f) => ({ path: validateRelativePath(cwd, f.path, 'file path'), content: f.content }));
    const seen = new Set();
    for (const f of files) {
        if (seen.has(f.path)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `Two artifacts map to the same file ${f.path}. Rename one of the flows so that their safe names differ.`);
        }
        seen.add(f.path);
        if (typeof f.content !== 'string')
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `Content of ${f.path} is not a string`);
    }
    if (!req.message || req.message.trim() === '') {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', 'The commit message is empty; set artifacts.message in the manifest.');
    }
    for (const p of [cleanDir, ...files.map((f) => f.path)])
        await refuseSymlinks(cwd, p);
    return { cwd, branch, remote, cleanDir, files };
}
/** A branch name safe to put in a refspec: git's ref-format rules plus no leading `-`. */
function validateBranch(input) {
    const branch = typeof input === 'string' ? input.replace(/^refs\/heads\//, '') : '';
    const problem = !branch
        ? 'is empty'
        : branch.startsWith('-')
            ? 'starts with "-"'
            : CONTROL.test(branch)
                ? 'contains a control character'
                : branch.includes('..')
                    ? 'contains ".."'
                    : /[\s~^:?*[\\]/.test(branch)
                        ? 'contains a space or one of ~ ^ : ? * [ \\'
                        : branch.includes('@{') || branch === '@'
                            ? 'contains "@{"'
                            : branch.startsWith('/') || branch.endsWith('/') || branch.includes('//')
                                ? 'has an empty path component'
                                : branch.split('/').some((c) => c.startsWith('.') || c.endsWith('.lock'))
                                    ? 'has a component starting with "." or ending with ".lock"'
                                    : branch.endsWith('.')
                                        ? 'ends with "."'
                                        : undefined;
    if (problem) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `Refusing to push to branch ${JSON.stringify(input)}: the name ${problem}. Use a plain branch name ` +
            '(GITHUB_REF_NAME), e.g. main.');
    }
    return branch;
}
/** A remote name (not a URL): letters, digits, dot, dash, underscore; no leading `-`, no `..`. */
function validateRemote(input) {
    if (typeof input !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(input) || input.includes('..')) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `Refusing to use remote ${JSON.stringify(input)}: a remote must be a configured remote name such as origin.`);
    }
    return input;
}
/**
 * A path relative to the working tree that cannot be read as an option, cannot leave the working tree and does
 * not touch `.git`. Returns it with `/` separators and without a trailing slash.
 */
function validateRelativePath(cwd, input, what) {
    const fail = (why) => {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `Refusing ${what} ${JSON.stringify(input)}: ${why}.`);
    };
    if (typeof input !== 'string' || input === '')
        return fail('it is empty');
    if (CONTROL.test(input))
        fail('it contains a control character');
    if (input.includes('\\'))
        fail('it contains a backslash; use "/"');
    if ((0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(input) || /^[A-Za-z]:/.test(input))
        fail('it is absolute; use a path relative to the repository');
    if (input.includes('..'))
        fail('it contains ".."');
    const path = input.replace(/\/+$/, '');
    const parts = path.split('/');
    if (parts.some((p) => p === '' || p === '.'))
        fail('it has an empty or "." component');
    if (parts.some((p) => p.startsWith('-')))
        fail('a component starts with "-" and could be read as an option');
    if (parts.some((p) => p.toLowerCase() === '.git'))
        fail('it points into .git');
    const abs = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(cwd, path);
    const rel = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(cwd, abs);
    if (rel === '' || rel.startsWith('..') || (0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(rel))
        fail('it is outside the working tree');
    return path;
}
async function checkCwd(cwd) {
    if (typeof cwd !== 'string' || !(0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(cwd) || CONTROL.test(cwd)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `The working tree ${JSON.stringify(cwd)} must be an absolute path.`);
    }
    const s = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(cwd).catch(() => undefined);
    if (!s?.isDirectory()) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `The working tree ${cwd} does not exist or is not a directory.`);
    }
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(cwd);
}
/** Writing through a symlink could modify files outside the working tree, so no component may be one. */
async function refuseSymlinks(cwd, path) {
    let current = cwd;
    for (const part of path.split('/')) {
        current = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(current, part);
        const s = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.lstat)(current).catch(() => undefined);
        if (!s)
            return;
        if (s.isSymbolicLink()) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .GitError */ .XS('invalid-input', `Refusing to write ${path}: ${(0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(cwd, current)} is a symbolic link. Replace it with a directory.`);
        }
    }
}


/***/ }),

/***/ 99706:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   R: () => (/* binding */ LockHeldError),
/* harmony export */   o: () => (/* binding */ LedgerError)
/* harmony export */ });
/* harmony import */ var _git_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(63341);
// The ledger's errors. Every message is scrubbed of registered secrets and of credentials embedded in URLs, so it can
// be logged or reported as it is, and every message says what to do about it.

class LedgerError extends Error {
    kind;
    constructor(kind, message) {
        super((0,_git_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .scrub */ ._I)(message));
        this.name = 'LedgerError';
        this.kind = kind;
    }
}
/** The org's lock is held by another release: names the holder, its run, the lease end and what to do. */
class LockHeldError extends Error {
    orgId;
    lock;
    /** The lease had ended when the lock was checked (the holder may be dead). */
    leaseExpired;
    constructor(orgId, lock, leaseExpired, detail = '') {
        const run = lock.runUrl ? ` (run ${lock.runUrl})` : '';
        const by = lock.actor ? `, started by ${lock.actor}` : '';
        const advice = leaseExpired
            ? `Its lease ended at ${lock.leaseUntil} but the run is not known to be finished. If that run is dead, ` +
                're-run with the input takeover-lock: true to take the lock over (recorded in the ledger); otherwise wait.'
            : `Its lease runs until ${lock.leaseUntil}. Wait for that release to finish; if its run is dead, re-run ` +
                'with the input takeover-lock: true to take the lock over (recorded in the ledger).';
        super((0,_git_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .scrub */ ._I)(`The release lock of org ${orgId} is held by release ${lock.holder}${run}${by}, since ${lock.acquiredAt}. ` +
            `${detail}${advice}`));
        this.name = 'LockHeldError';
        this.orgId = orgId;
        this.lock = { ...lock };
        this.leaseExpired = leaseExpired;
    }
}


/***/ }),

/***/ 29858:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  rF: () => (/* binding */ DEFAULT_STATE_BRANCH),
  dn: () => (/* binding */ GitLedgerStore)
});

// UNUSED EXPORTS: STATE_README, blobPath, ledgerPath, lostRace

// EXTERNAL MODULE: ./src/common/clock.ts
var clock = __webpack_require__(39987);
// EXTERNAL MODULE: ./src/git/errors.ts
var errors = __webpack_require__(63341);
// EXTERNAL MODULE: ./src/git/push.ts
var push = __webpack_require__(57546);
// EXTERNAL MODULE: ./src/git/run.ts
var run = __webpack_require__(73073);
// EXTERNAL MODULE: ./src/git/validate.ts
var validate = __webpack_require__(87120);
// EXTERNAL MODULE: ./src/ledger/errors.ts
var ledger_errors = __webpack_require__(99706);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/ledger/git-tree.ts
// Git plumbing for the state branch, without a working tree or an index: objects are written with
// `hash-object -w` from private temporary files (the runner has no stdin, and a temporary GIT_INDEX_FILE would need
// an environment variable the runner deliberately does not pass), and trees are assembled entry by entry on top of
// the previous commit's tree, so only the directories that change are rewritten.




/** A private directory for the objects of one commit; removed by `close`. */
class ObjectWriter {
    n = 0;
    git;
    dir;
    constructor(git, dir) {
        this.git = git;
        this.dir = dir;
    }
    static async open(git) {
        return new ObjectWriter(git, await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'flow-release-ledger-')));
    }
    async close() {
        await (0,promises_.rm)(this.dir, { recursive: true, force: true });
    }
    /** Writes an object of `type` and returns its id. `--no-filters`: the bytes are stored exactly as given. */
    async write(content, type = 'blob') {
        const file = (0,external_node_path_.join)(this.dir, `object-${++this.n}`);
        await (0,promises_.writeFile)(file, content);
        const sha = (await this.git.run(['hash-object', '-w', '-t', type, '--no-filters', '--', file])).trim();
        await (0,promises_.rm)(file, { force: true });
        return sha;
    }
    /**
     * The tree `base` (a tree-ish, or undefined for an empty one) with `changes` applied: path (`/`-separated) →
     * blob id. Returns the new tree's id.
     */
    async tree(base, changes) {
        const entries = new Map();
        if (base)
            for (const e of await readTree(this.git, base))
                entries.set(e.name, e);
        const subdirs = new Map();
        for (const [path, sha] of changes) {
            const slash = path.indexOf('/');
            if (slash < 0) {
                entries.set(path, { mode: '100644', type: 'blob', sha, name: path });
                continue;
            }
            const dir = path.slice(0, slash);
            const sub = subdirs.get(dir) ?? new Map();
            sub.set(path.slice(slash + 1), sha);
            subdirs.set(dir, sub);
        }
        for (const [dir, sub] of subdirs) {
            const existing = entries.get(dir);
            const sha = await this.tree(existing?.type === 'tree' ? existing.sha : undefined, sub);
            entries.set(dir, { mode: '40000', type: 'tree', sha, name: dir });
        }
        return this.write(serializeTree([...entries.values()]), 'tree');
    }
}
/** The entries of one tree (not recursive). `--full-tree`: independent of the directory git runs in. */
async function readTree(git, treeish) {
    return (0,run/* splitZ */.fs)(await git.run(['ls-tree', '--full-tree', '-z', treeish])).map((line) => {
        const tab = line.indexOf('\t');
        const [mode = '', type = '', sha = ''] = line.slice(0, tab).split(' ');
        return { mode: mode.replace(/^0+/, ''), type, sha, name: line.slice(tab + 1) };
    });
}
/** The object id of `path` in the tree of `rev` and its type, or undefined when there is none. */
async function lookup(git, rev, path) {
    const out = (0,run/* splitZ */.fs)(await git.run(['ls-tree', '--full-tree', '-z', rev, '--', path]));
    const line = out[0];
    if (!line)
        return undefined;
    const [, type = '', sha = ''] = line.slice(0, line.indexOf('\t')).split(' ');
    return { sha, type };
}
/** A tree object: entries sorted the way git sorts them (a tree's name compares as if it ended in `/`). */
function serializeTree(entries) {
    const key = (e) => Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name, 'utf8');
    const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
    return Buffer.concat(sorted.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.sha, 'hex')]));
}

// EXTERNAL MODULE: ./src/ledger/schema.ts
var schema = __webpack_require__(60870);
// EXTERNAL MODULE: ./src/ledger/store.ts
var store = __webpack_require__(40492);
;// CONCATENATED MODULE: ./src/ledger/git-store.ts
// The ledger on a state branch of the repository (default `flow-release-state`), outside the released branch's
// history. Plumbing only: the workspace's checked-out branch, index and working tree are never touched. The branch
// is fetched into a private ref (refs/flow-release/<branch>), read with ls-tree/cat-file, written with hash-object
// and commit-tree, and pushed without force: a non-fast-forward rejection means another run wrote first, so the
// compare-and-swap loop (store.ts) re-reads and lets the caller decide again. Layout on the branch:
//   README.md                        what this branch is; never edit it by hand
//   orgs/<orgId>/ledger.json         one document per org (pretty JSON, sorted keys)
//   blobs/<aa>/<sha256>.yaml         flow content, content-addressed, written in the same commit as its first use
// The token travels only in the environment of the fetch/push (run.ts), exactly as for the release commit.









const DEFAULT_STATE_BRANCH = 'flow-release-state';
const STATE_README_TITLE = '# Flow Release state\n';
const STATE_README = `${STATE_README_TITLE}

This branch is written by the Flow Release action: the release ledger of each Genesys Cloud org it releases to
(\`orgs/<org id>/ledger.json\`: the lock, the release in progress, the history of releases) and the flow content those
ledgers refer to (\`blobs/\`, addressed by sha256).

Do not edit this branch by hand and do not merge it into another branch. Every update is a compare-and-swap push;
the action stops with an error rather than overwrite a ledger it cannot read. See docs/state.md of the action.
`;
/** The only entries at the root of a state branch. */
const STATE_ENTRIES = new Set(['README.md', 'orgs', 'blobs']);
const NO_LOGGER = {
    debug: () => { },
    info: () => { },
    warning: () => { },
    error: () => { },
    startGroup: () => { },
    endGroup: () => { },
    setSecret: () => { }
};
const ledgerPath = (orgId) => `orgs/${orgId}/ledger.json`;
const blobPath = (a) => `blobs/${a.slice(0, 2)}/${a}.yaml`;
class GitLedgerStore {
    location;
    branch;
    /** The private ref the branch is fetched into (and, without a remote, the ledger itself). */
    ref;
    /** undefined: local ref only. */
    remote;
    beforeCommit;
    git;
    logger;
    auth;
    clock;
    staged = new Map();
    /** One git operation sequence at a time per store: reads and writes share the private ref. */
    queue = Promise.resolve();
    constructor(o) {
        this.git = o.git;
        this.logger = o.logger;
        this.branch = o.branch;
        this.ref = `refs/flow-release/${o.branch}`;
        this.remote = o.remote;
        this.auth = o.auth;
        this.clock = o.clock;
        this.beforeCommit = o.beforeCommit;
        this.location = o.remote ? `branch ${o.branch} of ${o.remote}` : `local ref ${this.ref}`;
    }
    /** Validates the inputs and the repository, finds the remote, and scopes the token to its https URLs. */
    static async open(options) {
        const logger = options.logger ?? NO_LOGGER;
        const branch = checkBranch(options.branch ?? DEFAULT_STATE_BRANCH);
        const header = (0,run/* authHeaderFor */.RI)(options.token, logger);
        const git = new run/* GitRunner */.bl(options.cwd, logger, options.idleTimeoutMs ?? 120_000);
        await git.run(['rev-parse', '--git-dir']).catch((e) => {
            throw new ledger_errors/* LedgerError */.o('unreadable', `The release ledger needs a git repository, and ${options.cwd} is not one (${(0,errors/* errorText */.kc)(e)}). ` +
                'Check out the repository first (actions/checkout).');
        });
        const head = (await git.run(['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim();
        if (head === `refs/heads/${branch}`) {
            throw new ledger_errors/* LedgerError */.o('invalid-input', `The state branch ${branch} is the branch checked out in the workspace. The ledger must live outside the ` +
                'released branch: choose another state branch (default flow-release-state).');
        }
        const remote = options.remote === null ? undefined : await findRemote(git, options.remote ?? 'origin', logger);
        const auth = remote ? (0,run/* authFor */.Ob)(await remoteUrls(git, remote), header, logger) : undefined;
        const store = new GitLedgerStore({
            git,
            logger,
            branch,
            remote,
            auth,
            clock: options.clock ?? clock/* systemClock */.m,
            beforeCommit: options.beforeCommit
        });
        if (options.remote === null) {
            logger.info(`Release ledger: no remote, kept in the local ref ${store.ref} of this repository only.`);
        }
        return store;
    }
    read(orgId) {
        return this.serially(() => (0,store/* casRead */.GZ)(this.context(), orgId));
    }
    update(orgId, mutate, options) {
        return this.serially(() => (0,store/* casUpdate */.Jt)(this.context(), orgId, mutate, options));
    }
    putBlob(content) {
        if (typeof content !== 'string')
            throw new ledger_errors/* LedgerError */.o('invalid-input', 'Blob content must be a string.');
        const address = (0,store/* contentAddress */.KV)(content);
        this.staged.set(address, content);
        return address;
    }
    async getBlob(addressInput) {
        const address = (0,store/* validateAddress */.jl)(addressInput);
        const staged = this.staged.get(address);
        if (staged !== undefined)
            return staged;
        return this.serially(async () => {
            const where = `${blobPath(address)} on ${this.location}`;
            let content = await this.catBlob(await this.localRev(), address);
            // Written by another run since this store last fetched: fetch once more.
            if (content === undefined && this.remote)
                content = await this.catBlob(await this.fetch(), address);
            if (content === undefined) {
                throw new ledger_errors/* LedgerError */.o('blob', `The content ${address} is not on the state branch (${where}). It was never written, or the branch ` +
                    'was rewritten by hand; the flow cannot be restored from the ledger.');
            }
            return (0,store/* verifyBlob */.tB)(address, content, where);
        });
    }
    serially(fn) {
        const run = this.queue.then(fn, fn);
        this.queue = run.catch(() => undefined);
        return run;
    }
    context() {
        const backend = {
            load: (orgId) => this.load(orgId),
            where: (orgId) => ({
                where: `${ledgerPath(orgId)} on ${this.location}`,
                fix: `Nothing was changed and the ledger was not overwritten. Inspect it with git show ` +
                    `${this.remote ? `${this.remote}/${this.branch}` : this.ref}:${ledgerPath(orgId)} and its history with ` +
                    `git log -p ${this.remote ? `${this.remote}/${this.branch}` : this.ref} -- ${ledgerPath(orgId)}; ` +
                    'restore the last good version with a new commit on that branch (see docs/state.md), then re-run.'
            }),
            hasBlob: async (a, rev) => rev !== undefined && (await lookup(this.git, rev, blobPath(a))) !== undefined,
            commit: (orgId, rev, text, blobs, message) => this.commit(orgId, rev, text, blobs, message)
        };
        return {
            backend,
            staged: this.staged,
            serialize: schema/* serializeLedger */.CE,
            beforeCommit: (orgId, attempt) => this.beforeCommit?.(orgId, attempt),
            clock: this.clock
        };
    }
    async localRev() {
        const out = await this.git.run(['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`]).catch(() => '');
        return out.trim() || undefined;
    }
    /** Fetches the state branch into the private ref; undefined when the remote has no such branch yet. */
    async fetch() {
        const remote = this.remote;
        const refspec = `+refs/heads/${this.branch}:${this.ref}`;
        try {
            await this.git.run(['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--no-write-fetch-head', remote, refspec], { auth: this.auth });
        }
        catch (e) {
            const text = (0,errors/* errorText */.kc)(e);
            if (/couldn't find remote ref/i.test(text))
                return undefined;
            throw new ledger_errors/* LedgerError */.o('unreadable', `Could not fetch the release ledger (${this.location}): ${text}\nNothing was changed. Check the network, ` +
                'the token, and that the workflow has permissions: contents: write.');
        }
        return this.localRev();
    }
    async load(orgId) {
        const rev = this.remote ? await this.fetch() : await this.localRev();
        if (rev === undefined)
            return { text: undefined, rev };
        await this.checkStateBranch(rev);
        const entry = await lookup(this.git, rev, ledgerPath(orgId));
        if (entry === undefined)
            return { text: undefined, rev };
        if (entry.type !== 'blob')
            return { text: `(a ${entry.type}, not a file)`, rev };
        return { text: await this.git.run(['cat-file', 'blob', entry.sha]), rev };
    }
    /**
     * A branch that holds anything but the ledger's own files is not a state branch (e.g. `state-branch: develop` by
     * mistake): it is neither read nor written, so the ledger can never commit into a branch of code.
     */
    async checkStateBranch(rev) {
        const entries = await readTree(this.git, rev);
        const foreign = entries.map((e) => e.name).filter((n) => !STATE_ENTRIES.has(n));
        const readme = entries.find((e) => e.name === 'README.md');
        // Its first line, not its whole text: another version of the action may word the README differently.
        if (readme && !(await this.git.run(['cat-file', 'blob', readme.sha])).startsWith(STATE_README_TITLE)) {
            foreign.push('a README.md of its own');
        }
        if (foreign.length === 0)
            return;
        throw new ledger_errors/* LedgerError */.o('invalid-input', `The branch ${this.branch} (${this.location}) is not a Flow Release state branch: it also holds ` +
            `${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}. Nothing was read or written. Set the ` +
            'state branch input to a branch used only by Flow Release (default flow-release-state).');
    }
    async catBlob(rev, address) {
        if (rev === undefined)
            return undefined;
        const entry = await lookup(this.git, rev, blobPath(address));
        return entry?.type === 'blob' ? this.git.run(['cat-file', 'blob', entry.sha]) : undefined;
    }
    /** One commit on top of `rev`, published with compare-and-swap; undefined when the branch moved. */
    async commit(orgId, rev, text, blobs, message) {
        let sha;
        const objects = await ObjectWriter.open(this.git);
        try {
            const changes = new Map();
            changes.set('README.md', await objects.write(STATE_README));
            changes.set(ledgerPath(orgId), await objects.write(text));
            for (const [a, content] of blobs)
                changes.set(blobPath(a), await objects.write(content));
            const tree = await objects.tree(rev ? `${rev}^{tree}` : undefined, changes);
            const parents = rev ? ['-p', rev] : [];
            sha = (await this.git.run(['commit-tree', tree, ...parents, '-m', message], { identity: true })).trim();
        }
        catch (e) {
            throw this.writeFailed('Writing the ledger commit failed', e);
        }
        finally {
            await objects.close();
        }
        return this.remote ? this.push(sha, orgId) : this.moveLocalRef(sha, rev);
    }
    async push(sha, orgId) {
        const remote = this.remote;
        try {
            await this.git.run(['push', '--porcelain', '--no-verify', '--recurse-submodules=no', remote, `${sha}:refs/heads/${this.branch}`], { auth: this.auth });
        }
        catch (e) {
            const output = (0,errors/* errorText */.kc)(e);
            if (lostRace(output)) {
                this.logger.info(`Release ledger of ${orgId}: ${this.location} moved since it was read; reading it again.`);
                return undefined;
            }
            throw new ledger_errors/* LedgerError */.o('write-failed', `Pushing the release ledger to ${this.location} failed: ${output}\nNothing was force-pushed. The workflow ` +
                `needs permissions: contents: write, and ${this.branch} must accept pushes from the action ` +
                '(no branch protection on the state branch).');
        }
        await this.git.run(['update-ref', this.ref, sha]).catch(() => undefined);
        this.logger.debug(`Release ledger of ${orgId} written to ${this.location}: ${sha}`);
        return sha;
    }
    /** Without a remote the private ref is the ledger: `update-ref <new> <old>` is the compare-and-swap. */
    async moveLocalRef(sha, rev) {
        try {
            await this.git.run(['update-ref', '-m', 'flow-release ledger', this.ref, sha, rev ?? '']);
            return sha;
        }
        catch (e) {
            if ((await this.localRev()) !== rev)
                return undefined;
            throw this.writeFailed('Moving the ledger ref failed', e);
        }
    }
    writeFailed(what, e) {
        return new ledger_errors/* LedgerError */.o('write-failed', `${what} (${this.location}): ${(0,errors/* errorText */.kc)(e)}\nNothing was pushed.`);
    }
}
/**
 * The push lost a compare-and-swap race: the branch moved (non-fast-forward), or a concurrent push held the ref's
 * lock on the server (`[remote rejected] ... cannot lock ref` / `failed to update ref`), which is the same race.
 */
function lostRace(output) {
    if ((0,push/* isNonFastForward */.d)(output))
        return true;
    return /\[remote rejected\][^\n]*(cannot lock ref|failed to update ref|failed to lock|incorrect old value)/i.test(output);
}
function checkBranch(input) {
    try {
        return (0,validate/* validateBranch */.Xe)(input);
    }
    catch (e) {
        const why = e instanceof errors/* GitError */.XS ? e.message.replace(/^Refusing to push to branch [^:]*: /, '') : String(e);
        throw new ledger_errors/* LedgerError */.o('invalid-input', `Invalid state branch ${JSON.stringify(input)}: ${why.replace(/ Use a plain.*$/s, '')} ` +
            'Use a plain branch name such as flow-release-state.');
    }
}
/** The configured remote, or undefined (local ref only) when the repository has none of that name. */
async function findRemote(git, name, logger) {
    let remote;
    try {
        remote = (0,validate/* validateRemote */.bR)(name);
    }
    catch (e) {
        throw new ledger_errors/* LedgerError */.o('invalid-input', (0,errors/* errorText */.kc)(e));
    }
    const remotes = (await git.run(['remote'])).split('\n').map((r) => r.trim());
    if (remotes.includes(remote))
        return remote;
    logger.warning(`The repository has no remote "${remote}": the release ledger is kept in this repository only.`);
    return undefined;
}
/** The remote's fetch and push URLs, which the auth header is scoped to. */
async function remoteUrls(git, remote) {
    const urls = [];
    for (const extra of [[], ['--push']]) {
        const url = (await git.run(['remote', 'get-url', ...extra, remote])).trim();
        if (!urls.includes(url))
            urls.push(url);
    }
    return urls;
}


/***/ }),

/***/ 60870:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bn: () => (/* binding */ LEDGER_VERSION),
/* harmony export */   CE: () => (/* binding */ serializeLedger),
/* harmony export */   Dc: () => (/* binding */ HISTORY_LIMIT),
/* harmony export */   HH: () => (/* binding */ LedgerDocument),
/* harmony export */   Hg: () => (/* binding */ emptyLedger),
/* harmony export */   _d: () => (/* binding */ LIVE_STATES),
/* harmony export */   k2: () => (/* binding */ ContentAddress),
/* harmony export */   wF: () => (/* binding */ describeIssues),
/* harmony export */   xt: () => (/* binding */ referencedContent)
/* harmony export */ });
/* unused harmony exports Command, Takeover, Lock, JobKind, JobState, Job, FlowResultState, InProgressFlow, InProgress, HistoryOutcome, HistoryFlowState, HistoryFlow, HistoryEntry */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(92857);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(64377);
// The release ledger of one target org: the lock, the release in progress (written ahead of every change) and the
// history of finished releases. One document per org, keyed by the org id the platform reports
// (GET /api/v2/organizations/me), never by region or URL. The org is the truth; the ledger is the memory.
//
// The schema is strict (unknown keys are errors) and versioned: a document this code cannot fully understand is
// never rewritten (see LedgerError in errors.ts). Flow content is not stored in the document but as
// content-addressed blobs beside it; the document holds their addresses.

const LEDGER_VERSION = 1;
/**
 * History entries kept per org. An entry holds one line per flow of the release (~250 bytes), so with 30 flows the
 * document stays under ~1 MB at this cap; it is rewritten on every update, so it must stay small. Older entries are
 * dropped, except that for every flow the newest entry where it was live and good is always kept, so every flow's
 * last known-good content stays restorable (see trimHistory in history.ts).
 */
const HISTORY_LIMIT = 100;
/** sha256 (lowercase hex) of the UTF-8 content: the same value as the manifest's `contentHash`. */
const ContentAddress = zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in lowercase hex');
/** ISO-8601 timestamp (from the injected clock). */
const Timestamp = zod__WEBPACK_IMPORTED_MODULE_1__/* .datetime */ .w$();
const Id = zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().min(1);
const Command = zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['deploy', 'rollback', 'recover']);
/** How a lock changed hands from another holder: always recorded, so a takeover is auditable. */
const Takeover = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    from: Id,
    fromRunUrl: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    fromLeaseUntil: Timestamp,
    /** `explicit`: the input `takeover-lock: true`; `lease-expired`: the lease ended and the holder's run is finished. */
    reason: zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['explicit', 'lease-expired']),
    at: Timestamp
});
const Lock = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    /** The release id of the run that holds the lock. */
    holder: Id,
    runUrl: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    actor: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    command: Command,
    acquiredAt: Timestamp,
    leaseUntil: Timestamp,
    takenOver: Takeover.optional()
});
const JobKind = zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['architect', 'publish-operation', 'export', 'validate', 'delete', 'unlock']);
const JobState = zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['registered', 'uploaded', 'succeeded', 'failed', 'unknown']);
const Job = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    id: Id,
    kind: JobKind,
    registeredAt: Timestamp,
    state: JobState.optional(),
    updatedAt: Timestamp.optional(),
    /** What the platform said when it failed (already redacted by the caller). */
    error: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional()
});
const FlowResultState = zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['published', 'failed', 'unknown', 'restored', 'deleted']);
const InProgressFlow = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    name: Id,
    type: Id,
    /** Absent for a flow this release creates, until the platform reports its id. */
    flowId: Id.optional(),
    /** What was live before the release: the rollback target. `version: null` means the flow did not exist. */
    before: zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({ version: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().nullable(), content: ContentAddress.optional() }),
    /** What the release is about to publish. */
    intended: zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({ contentHash: ContentAddress.optional(), source: zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['file', 'draft']) }).optional(),
    jobs: zod__WEBPACK_IMPORTED_MODULE_0__/* .array */ .YOg(Job),
    result: zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
        state: FlowResultState,
        version: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
        content: ContentAddress.optional(),
        at: Timestamp.optional()
    })
        .optional()
});
const InProgress = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    releaseId: Id,
    command: Command,
    runUrl: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    /** The source commit the release is made from (GITHUB_SHA). */
    commit: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    startedAt: Timestamp,
    /** Set when this run is finishing the unfinished release of a dead run (recovery). */
    recoveredFrom: zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({ releaseId: Id, runUrl: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(), startedAt: Timestamp }).optional(),
    flows: zod__WEBPACK_IMPORTED_MODULE_0__/* .array */ .YOg(InProgressFlow)
});
const HistoryOutcome = zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['succeeded', 'rolled-back', 'failed', 'rollback-failed']);
const HistoryFlowState = zod__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5n(['published', 'unchanged', 'restored', 'deleted', 'failed', 'unknown']);
/** States in which the flow's version and content are what is live in the org after the release. */
const LIVE_STATES = ['published', 'unchanged', 'restored'];
const HistoryFlow = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    name: Id,
    type: Id,
    id: Id,
    /** The version live after the release; null when nothing is (deleted) or it is not known. */
    version: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().nullable(),
    content: ContentAddress.optional(),
    /**
     * sha256 of the content this release uploaded for the flow (the manifest's content hash), when it published
     * or kept it: change detection compares it with the manifest. Not a blob address: `content` is the rollback target.
     */
    uploaded: ContentAddress.optional(),
    state: HistoryFlowState
})
    .refine((f) => !LIVE_STATES.includes(f.state) || (f.version !== null && f.content !== undefined), {
    message: 'a published, unchanged or restored flow needs its version and content'
});
const HistoryEntry = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    releaseId: Id,
    command: Command,
    commit: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    outcome: HistoryOutcome,
    startedAt: Timestamp.optional(),
    finishedAt: Timestamp,
    runUrl: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional(),
    /** The release was finished by another run's recovery (its release id), not by the run that started it. */
    recoveredBy: Id.optional(),
    /** Every flow the release covered, unchanged ones included. */
    flows: zod__WEBPACK_IMPORTED_MODULE_0__/* .array */ .YOg(HistoryFlow)
});
const LedgerDocument = zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({
    version: zod__WEBPACK_IMPORTED_MODULE_0__/* .literal */ .euz(LEDGER_VERSION),
    org: zod__WEBPACK_IMPORTED_MODULE_0__/* .strictObject */ .rej({ id: Id, name: zod__WEBPACK_IMPORTED_MODULE_0__/* .string */ .YjP().optional() }),
    lock: Lock.nullable(),
    inProgress: InProgress.nullable(),
    /** Append-only, newest last, at most HISTORY_LIMIT entries plus the newest good entry of every flow. */
    history: zod__WEBPACK_IMPORTED_MODULE_0__/* .array */ .YOg(HistoryEntry)
});
/** The document of an org that has none yet. */
function emptyLedger(org) {
    return {
        version: LEDGER_VERSION,
        org: org.name === undefined ? { id: org.id } : { id: org.id, name: org.name },
        lock: null,
        inProgress: null,
        history: []
    };
}
/** Every content address the document refers to: each must exist as a blob beside it. */
function referencedContent(doc) {
    const out = new Set();
    if (!doc)
        return out;
    for (const f of doc.inProgress?.flows ?? []) {
        if (f.before.content)
            out.add(f.before.content);
        if (f.result?.content)
            out.add(f.result.content);
    }
    for (const h of doc.history)
        for (const f of h.flows)
            if (f.content)
                out.add(f.content);
    return out;
}
/** Pretty JSON with keys in sorted order at every level, so that the same document is always the same bytes. */
function serializeLedger(doc) {
    return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}
function sortKeys(v) {
    if (Array.isArray(v))
        return v.map(sortKeys);
    if (v && typeof v === 'object') {
        const out = {};
        for (const k of Object.keys(v).sort()) {
            const x = v[k];
            if (x !== undefined)
                out[k] = sortKeys(x);
        }
        return out;
    }
    return v;
}
/** The first few problems of a failed parse, one per line, each with its path in the document. */
function describeIssues(error, max = 5) {
    const lines = error.issues.slice(0, max).map((i) => `  at ${i.path.join('.') || '(root)'}: ${i.message}`);
    if (error.issues.length > max)
        lines.push(`  ... and ${error.issues.length - max} more`);
    return lines.join('\n');
}


/***/ }),

/***/ 40492:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GZ: () => (/* binding */ casRead),
/* harmony export */   Jt: () => (/* binding */ casUpdate),
/* harmony export */   KV: () => (/* binding */ contentAddress),
/* harmony export */   XG: () => (/* binding */ NO_CHANGE),
/* harmony export */   jl: () => (/* binding */ validateAddress),
/* harmony export */   k2: () => (/* binding */ validateOrgId),
/* harmony export */   tB: () => (/* binding */ verifyBlob)
/* harmony export */ });
/* unused harmony export parseLedger */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(99706);
/* harmony import */ var _schema_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(60870);
// Where ledgers live, behind one interface (git-store.ts on a state branch, memory-store.ts for tests), and the
// compare-and-swap loop both implementations share, so that their semantics cannot drift apart:
// read the newest document; let the caller's mutate function decide on it; write the result, with every blob staged
// by putBlob, only if nobody changed the ledger in between; otherwise re-read and call mutate again (bounded).



/** Returned by a mutate function that has nothing to change: nothing is written. */
const NO_CHANGE = Symbol('ledger.no-change');
/** The address of content: sha256 of its UTF-8 bytes, lowercase hex (the manifest's contentHash). */
function contentAddress(content) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(content, 'utf8').digest('hex');
}
function validateAddress(address) {
    const parsed = _schema_js__WEBPACK_IMPORTED_MODULE_2__/* .ContentAddress */ .k2.safeParse(address);
    if (!parsed.success) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('invalid-input', `Invalid content address ${JSON.stringify(address)}: expected a sha256.`);
    }
    return parsed.data;
}
/** Org ids become a path on the state branch: a Genesys org id is a UUID; anything path-like is refused. */
function validateOrgId(orgId) {
    if (typeof orgId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(orgId)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('invalid-input', `Invalid org id ${JSON.stringify(orgId)}: expected the id from GET /api/v2/organizations/me ` +
            '(letters, digits, "-" and "_").');
    }
    return orgId;
}
/** Checks content read back against its address. */
function verifyBlob(address, content, where) {
    const actual = contentAddress(content);
    if (actual !== address) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('blob', `The blob ${where} does not match its address (its sha256 is ${actual}): it was changed by hand or damaged. ` +
            'Restore it from the state branch history (git log -- <path>); never edit the state branch by hand.');
    }
    return content;
}
/** Parses a stored document; anything it cannot fully understand is a LedgerError of kind 'corrupt'. */
function parseLedger(text, where, fix) {
    const corrupt = (problem) => new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('corrupt', `The release ledger ${where} cannot be read: ${problem}\n${fix}`);
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (e) {
        throw corrupt(`it is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
    }
    const version = raw?.version;
    if (typeof version === 'number' && version > _schema_js__WEBPACK_IMPORTED_MODULE_2__/* .LEDGER_VERSION */ .Bn) {
        throw corrupt(`it has version ${version}, written by a newer Flow Release (this one knows version ${_schema_js__WEBPACK_IMPORTED_MODULE_2__/* .LEDGER_VERSION */ .Bn}). ` +
            'Upgrade the action; the ledger was left as it is.');
    }
    const parsed = _schema_js__WEBPACK_IMPORTED_MODULE_2__/* .LedgerDocument */ .HH.safeParse(raw);
    if (!parsed.success)
        throw corrupt(`it does not match the ledger schema:\n${(0,_schema_js__WEBPACK_IMPORTED_MODULE_2__/* .describeIssues */ .wF)(parsed.error)}`);
    return parsed.data;
}
/** A read with the same parse and the same errors as an update's. */
async function casRead(ctx, orgIdInput) {
    const orgId = validateOrgId(orgIdInput);
    const { where, fix } = ctx.backend.where(orgId);
    const { text, rev } = await ctx.backend.load(orgId);
    return { doc: text === undefined ? undefined : parseLedger(text, where, fix), rev };
}
/** The compare-and-swap loop shared by every store. */
async function casUpdate(ctx, orgIdInput, mutate, options = {}) {
    const orgId = validateOrgId(orgIdInput);
    const maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('invalid-input', `maxAttempts must be an integer from 1 to 20, got ${maxAttempts}`);
    }
    const { where, fix } = ctx.backend.where(orgId);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const { text, rev } = await ctx.backend.load(orgId);
        // A document that cannot be parsed stops here: it is never passed to mutate, never overwritten.
        const before = text === undefined ? undefined : parseLedger(text, where, fix);
        const next = mutate(before === undefined ? undefined : structuredClone(before), rev);
        if (next === NO_CHANGE)
            return { doc: before, rev, changed: false, attempts: attempt };
        const doc = checkNext(next, orgId, where);
        const serialized = ctx.serialize(doc);
        // The same bytes and nothing staged: a commit would change nothing.
        if (serialized === text && ctx.staged.size === 0)
            return { doc, rev, changed: false, attempts: attempt };
        const blobs = await blobsFor(ctx, doc, before, rev, where);
        await ctx.beforeCommit?.(orgId, attempt);
        const message = `ledger ${orgId}: ${oneLine(options.message ?? 'update')}`;
        const written = await ctx.backend.commit(orgId, rev, serialized, blobs, message);
        if (written !== undefined) {
            for (const a of blobs.keys())
                ctx.staged.delete(a);
            return { doc, rev: written, changed: true, attempts: attempt };
        }
        // Lost the race: back off a little (jittered by attempt) and decide again on the fresh document.
        if (attempt < maxAttempts)
            await ctx.clock?.sleep(Math.min(2_000, 50 * 2 ** attempt));
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('conflict', `The release ledger ${where} changed under every one of ${maxAttempts} update attempts: another run keeps ` +
        'writing it. Nothing was overwritten; re-run when the other release is done.');
}
function oneLine(s) {
    return s.replace(/\s+/g, ' ').trim().slice(0, 200);
}
/** A mutate result is validated before anything is written: a bug must not write a document nobody can read. */
function checkNext(next, orgId, where) {
    const parsed = _schema_js__WEBPACK_IMPORTED_MODULE_2__/* .LedgerDocument */ .HH.safeParse(next);
    if (!parsed.success) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('invalid-input', `Refusing to write an invalid release ledger to ${where}; nothing was written:\n${(0,_schema_js__WEBPACK_IMPORTED_MODULE_2__/* .describeIssues */ .wF)(parsed.error)}`);
    }
    if (parsed.data.org.id !== orgId) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('invalid-input', `Refusing to write the ledger of org ${parsed.data.org.id} to ${where} (org ${orgId}); nothing was written.`);
    }
    return parsed.data;
}
/** The staged blobs to write with `doc`; every address it newly refers to must be staged or already there. */
async function blobsFor(ctx, doc, before, rev, where) {
    const known = (0,_schema_js__WEBPACK_IMPORTED_MODULE_2__/* .referencedContent */ .xt)(before);
    for (const a of (0,_schema_js__WEBPACK_IMPORTED_MODULE_2__/* .referencedContent */ .xt)(doc)) {
        if (known.has(a) || ctx.staged.has(a))
            continue;
        if (!(await ctx.backend.hasBlob(a, rev))) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .LedgerError */ .o('blob', `Refusing to write ${where}: it refers to content ${a}, which is neither stored nor staged ` +
                '(call putBlob with the content first). Nothing was written.');
        }
    }
    return new Map(ctx.staged);
}


/***/ }),

/***/ 67094:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  a: () => (/* binding */ runPipeline)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/common/redact.ts
var redact = __webpack_require__(6800);
// EXTERNAL MODULE: ./src/genesys/errors.ts
var genesys_errors = __webpack_require__(95987);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(92857);
;// CONCATENATED MODULE: ./src/genesys/flow-types.ts
// The action's one table of Genesys flow types: the lowercase API `type` filter value (what the manifest's `type:`
// says; `Flow.type` in responses is its UPPERCASE form) and the top-level key real Archy files write for it —
// case-sensitive. Validation (src/manifest/flow-file.ts), export matching and anything else that maps a key to a type
// reads it from here. The emulator keeps its own reading (emulator/flow-types.ts): never share the two.
//
// Sources (see docs/platform.md and ../shared/genesys-api.md, "What a real org does with Archy YAML"):
//   corpus = 61 real flows from Genesys' public repositories (../shared/archy-corpus), counts are files
//   sdk    = the `type` filter values of GET /api/v2/flows as genesys-api.md lists them (Flow.type enum)
const FLOW_TYPE_TABLE = [
    { type: 'bot', key: 'botFlow', source: 'corpus (5 files; no `bot:` key anywhere), sdk' },
    { type: 'commonmodule', key: 'commonModule', source: 'corpus, sdk' },
    { type: 'digitalbot', key: 'digitalBot', source: 'corpus, sdk' },
    { type: 'inboundcall', key: 'inboundCall', source: 'corpus, sdk' },
    { type: 'inboundchat', key: 'inboundChat', source: 'corpus, sdk' },
    { type: 'inboundemail', key: 'inboundEmail', source: 'corpus, sdk' },
    { type: 'inboundshortmessage', key: 'inboundShortMessage', source: 'corpus, sdk' },
    { type: 'inqueuecall', key: 'inqueueCall', source: 'corpus (5 files; `inQueueCall` appears nowhere), sdk' },
    { type: 'inqueueemail', key: 'inqueueEmail', source: 'sdk; key unconfirmed (spelled like inqueueCall)' },
    {
        type: 'inqueueshortmessage',
        key: 'inqueueShortMessage',
        source: 'sdk; key unconfirmed (spelled like inqueueCall)'
    },
    { type: 'outboundcall', key: 'outboundCall', source: 'corpus, sdk' },
    { type: 'securecall', key: 'secureCall', source: 'sdk; key unconfirmed' },
    { type: 'surveyinvite', key: 'surveyInvite', source: 'corpus, sdk' },
    { type: 'workflow', key: 'workflow', source: 'corpus, sdk' },
    { type: 'workitem', key: 'workitem', source: 'corpus, sdk' }
];
const FLOW_TYPES = FLOW_TYPE_TABLE.map((e) => e.type);
/** Types the manifest once accepted, with the value to write now (a clear error, never a silent alias). */
const RENAMED_FLOW_TYPES = { inqueueemailflow: 'inqueueemail' };
const BY_KEY = new Map(FLOW_TYPE_TABLE.map((e) => [e.key, e]));
const BY_TYPE = new Map(FLOW_TYPE_TABLE.map((e) => [e.type, e]));
/** The API type an Archy top-level key creates (case-sensitive), or undefined for a key Archy does not write. */
function typeForArchyKey(key) {
    return BY_KEY.get(key)?.type;
}
/** The Archy top-level key for an API type (any case: `Flow.type` is UPPERCASE). */
function archyKeyForType(type) {
    return BY_TYPE.get(type.toLowerCase())?.key;
}
/** True when the flow's `type` (any case) is the manifest's lowercase type. */
function isFlowType(flowType, type) {
    return (flowType ?? '').toLowerCase() === type.toLowerCase();
}
/**
 * The Archy key someone meant by a key Archy does not write: the same letters in another case (`InboundCall`,
 * `inQueueCall`), or the API type's name where Archy uses another (`bot` → `botFlow`).
 */
function intendedArchyKey(key) {
    const lower = key.toLowerCase();
    const byCase = FLOW_TYPE_TABLE.find((e) => e.key.toLowerCase() === lower);
    if (byCase)
        return byCase.key;
    const renamed = RENAMED_FLOW_TYPES[lower];
    return (renamed ? BY_TYPE.get(renamed) : BY_TYPE.get(lower))?.key;
}

;// CONCATENATED MODULE: ./src/genesys/models.ts
// zod schemas for every Genesys Cloud response the action reads, checked at the boundary (see ../shared/genesys-api.md
// and the SDK's index.d.ts). Objects are passthrough-tolerant (unknown fields are kept out of the parsed value but do
// not fail), enums are strict: an enum value we do not know is a typed error, never a silent success.

// The flow types and their Archy keys: one table, in flow-types.ts.

const JobStatus = schemas/* enum */.k5n(['Registered', 'Started', 'Success', 'Failure']);
const OperationActionName = schemas/* enum */.k5n([
    'CREATE',
    'CHECKIN',
    'CHECKOUT',
    'DEBUG',
    'DELETE',
    'HISTORY',
    'PUBLISH',
    'REVERT',
    'SAVE',
    'STATE_CHANGE',
    'UPDATE',
    'VALIDATE'
]);
const OperationActionStatus = schemas/* enum */.k5n([
    'LOCKED',
    'UNLOCKED',
    'STARTED',
    'PENDING_GENERATION',
    'PENDING_BACKEND_NOTIFICATION',
    'SUCCESS',
    'FAILURE'
]);
const EntityRef = schemas/* object */.Ikc({ id: schemas/* string */.YjP(), name: schemas/* string */.YjP().optional(), selfUri: schemas/* string */.YjP().optional() });
const FlowVersion = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    name: schemas/* string */.YjP().optional(),
    type: schemas/* enum */.k5n(['PUBLISH', 'CHECKIN', 'SAVE']).optional(),
    commitVersion: schemas/* string */.YjP().optional(),
    configurationVersion: schemas/* string */.YjP().optional(),
    datePublished: schemas/* string */.YjP().optional(),
    datePublishedEnd: schemas/* string */.YjP().optional(),
    dateCreated: schemas/* number */.aig().optional(),
    dateCheckedIn: schemas/* number */.aig().optional(),
    createdBy: EntityRef.optional(),
    /** The OAuth client that made the version (a publish through the API): who published it, for recovery reports. */
    createdByClient: EntityRef.optional(),
    secure: schemas/* boolean */.zMY().optional(),
    debug: schemas/* boolean */.zMY().optional()
});
const Operation = schemas/* object */.Ikc({
    id: schemas/* string */.YjP().optional(),
    complete: schemas/* boolean */.zMY().optional(),
    actionName: OperationActionName.optional(),
    actionStatus: OperationActionStatus.optional(),
    errorMessage: schemas/* string */.YjP().optional(),
    errorCode: schemas/* string */.YjP().optional(),
    errorDetails: schemas/* array */.YOg(schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J())).optional(),
    user: EntityRef.optional()
});
const Flow = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    name: schemas/* string */.YjP(),
    type: schemas/* string */.YjP().optional(), // UPPERCASE in responses, e.g. INBOUNDCALL
    description: schemas/* string */.YjP().optional(),
    division: EntityRef.optional(),
    active: schemas/* boolean */.zMY().optional(),
    deleted: schemas/* boolean */.zMY().optional(),
    system: schemas/* boolean */.zMY().optional(),
    lockedUser: EntityRef.optional(),
    lockedClient: EntityRef.optional(),
    publishedVersion: FlowVersion.optional(),
    checkedInVersion: FlowVersion.optional(),
    savedVersion: FlowVersion.optional(),
    publishedBy: EntityRef.optional(),
    currentOperation: Operation.optional()
});
/** GET /api/v2/organizations/me: the org the credentials belong to. Its id keys the release ledger (src/ledger). */
const Organization = schemas/* object */.Ikc({
    id: schemas/* string */.YjP().min(1),
    name: schemas/* string */.YjP().optional(),
    domain: schemas/* string */.YjP().optional(),
    state: schemas/* string */.YjP().optional()
});
const Paged = (item) => schemas/* object */.Ikc({
    entities: schemas/* array */.YOg(item),
    pageNumber: schemas/* number */.aig().optional(),
    pageSize: schemas/* number */.aig().optional(),
    total: schemas/* number */.aig().optional(),
    pageCount: schemas/* number */.aig().optional()
});
const ArchitectJobMessage = schemas/* object */.Ikc({
    dateTime: schemas/* string */.YjP().optional(),
    type: schemas/* enum */.k5n(['Error', 'Warning']).optional(),
    text: schemas/* string */.YjP().optional(),
    details: schemas/* array */.YOg(schemas/* unknown */.L5J()).optional()
});
const RegisterArchitectJobResponse = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    presignedUrl: schemas/* string */.YjP(),
    headers: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).default({})
});
const ArchitectJobStateResponse = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    status: JobStatus,
    command: schemas/* enum */.k5n(['Publish', 'Create', 'Update', 'Export', 'Validate']).optional(),
    flow: EntityRef.optional(),
    messages: schemas/* array */.YOg(ArchitectJobMessage).optional()
});
const RegisterJobResponse = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    status: JobStatus.optional(),
    totalFlows: schemas/* number */.aig().optional()
});
const ExportJobStateResponse = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    status: JobStatus,
    command: schemas/* string */.YjP().optional(),
    downloadUrl: schemas/* string */.YjP().optional(),
    messages: schemas/* array */.YOg(ArchitectJobMessage).optional()
});
const ValidateJobStateResponse = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    status: JobStatus,
    command: schemas/* string */.YjP().optional(),
    messages: schemas/* array */.YOg(ArchitectJobMessage).optional()
});
const FlowExecutionLaunchResponse = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    name: schemas/* string */.YjP().optional(),
    flowVersion: EntityRef.optional()
});
const ExecutionStatus = schemas/* enum */.k5n(['UNKNOWN', 'RUNNING', 'ERROR', 'TERMINATED', 'COMPLETED', 'FAILED']);
const ErrorBody = schemas/* object */.Ikc({
    message: schemas/* string */.YjP().optional(),
    code: schemas/* string */.YjP().optional(),
    status: schemas/* number */.aig().optional(),
    messageWithParams: schemas/* string */.YjP().optional(),
    messageParams: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    contextId: schemas/* string */.YjP().optional(),
    details: schemas/* array */.YOg(schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J())).optional(),
    errors: schemas/* array */.YOg(schemas/* unknown */.L5J()).optional()
});
const FlowRuntimeExecution = schemas/* object */.Ikc({
    id: schemas/* string */.YjP(),
    name: schemas/* string */.YjP().optional(),
    flowVersion: schemas/* object */.Ikc({ id: schemas/* string */.YjP() }).passthrough().optional(),
    dateLaunched: schemas/* string */.YjP().optional(),
    status: ExecutionStatus,
    dateCompleted: schemas/* string */.YjP().optional(),
    completionReason: schemas/* string */.YjP().optional(),
    flowErrorInfo: ErrorBody.optional(),
    outputData: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* unknown */.L5J()).optional()
});
const FLOW_METRICS = [
    'nFlow',
    'nFlowMilestone',
    'nFlowOutcome',
    'nFlowOutcomeFailed',
    'oFlowMilestone',
    'tFlow',
    'tFlowDisconnect',
    'tFlowExit',
    'tFlowOutcome'
];
const AggregateStats = schemas/* object */.Ikc({
    count: schemas/* number */.aig().optional(),
    sum: schemas/* number */.aig().optional(),
    min: schemas/* number */.aig().optional(),
    max: schemas/* number */.aig().optional()
});
const FlowAggregateQueryResponse = schemas/* object */.Ikc({
    results: schemas/* array */.YOg(schemas/* object */.Ikc({
        group: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
        data: schemas/* array */.YOg(schemas/* object */.Ikc({
            interval: schemas/* string */.YjP(),
            metrics: schemas/* array */.YOg(schemas/* object */.Ikc({ metric: schemas/* enum */.k5n(FLOW_METRICS), stats: AggregateStats }))
        }))
            .optional()
    }))
        .optional()
});
const TokenResponse = schemas/* object */.Ikc({
    access_token: schemas/* string */.YjP().min(1),
    token_type: schemas/* string */.YjP(),
    expires_in: schemas/* number */.aig()
});

;// CONCATENATED MODULE: ./src/genesys/regions.ts
// Genesys Cloud regions and base-URL safety. Every URL the client will send the client secret, a token or flow content
// to passes `assertSafeUrl` first: https only, except plain http to a loopback host (the emulator).

/** Region domains, from the official SDK's PureCloudRegionHosts.js. API `https://api.<d>`, login `https://login.<d>`. */
const REGION_DOMAINS = [
    'mypurecloud.com',
    'mypurecloud.ie',
    'mypurecloud.com.au',
    'mypurecloud.jp',
    'mypurecloud.de',
    'usw2.pure.cloud',
    'cac1.pure.cloud',
    'apne2.pure.cloud',
    'euw2.pure.cloud',
    'aps1.pure.cloud',
    'use2.us-gov-pure.cloud',
    'sae1.pure.cloud',
    'mec1.pure.cloud',
    'apne3.pure.cloud',
    'euc2.pure.cloud',
    'mxc1.pure.cloud',
    'apse1.pure.cloud',
    'edee1.eusc-pure.cloud'
];
function regionEndpoints(domain) {
    return { region: domain, apiUrl: `https://api.${domain}`, loginUrl: `https://login.${domain}` };
}
function normaliseRegion(region) {
    // Accept what people paste: "https://api.mypurecloud.de/", "login.usw2.pure.cloud", "MyPureCloud.com".
    let r = region.trim().toLowerCase();
    r = r.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    r = r.replace(/^(api|login|apps)\./, '');
    return r;
}
function isRegionDomain(d) {
    return REGION_DOMAINS.includes(d);
}
function isLoopbackHost(hostname) {
    const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (h === 'localhost' || h.endsWith('.localhost'))
        return true;
    if (h === '::1' || h === '0:0:0:0:0:0:0:1')
        return true;
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
/**
 * Parses `url` and refuses anything a secret or token must not be sent to: a non-http(s) scheme, embedded
 * credentials, or plain http to a non-loopback host. `what` names the setting in the message (e.g. "api-url").
 * The message never echoes credentials or query strings.
 */
function assertSafeUrl(url, what) {
    let u;
    try {
        u = new URL(url);
    }
    catch {
        throw new genesys_errors/* GenesysError */.DF({ kind: 'config', message: `${what} is not a valid absolute URL; expected https://host` });
    }
    const shown = `${u.protocol}//${u.host}${u.pathname}`;
    if (u.username || u.password) {
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'config',
            message: `${what} must not contain user:password@ credentials; remove them (client credentials are sent only as a Basic header to the login URL)`
        });
    }
    if (u.protocol === 'https:')
        return u;
    if (u.protocol === 'http:') {
        if (isLoopbackHost(u.hostname))
            return u;
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'config',
            message: `${what} ${shown} uses plain http to a non-loopback host; refused because the client secret and tokens would travel unencrypted. Use https:// (plain http is only allowed for 127.0.0.1, localhost or [::1], e.g. the emulator)`
        });
    }
    throw new genesys_errors/* GenesysError */.DF({
        kind: 'config',
        message: `${what} uses the unsupported scheme "${u.protocol}"; only https:// (or http:// to a loopback host) is allowed`
    });
}
function trimBase(u) {
    // Keep a path prefix (gateways may mount the API under one) but never a trailing slash, query or fragment.
    const path = u.pathname.replace(/\/+$/, '');
    return `${u.protocol}//${u.host}${path}`;
}
/** If `u` is `api.<region>` / `login.<region>` of a known region, the region domain. */
function genesysRegionOf(u) {
    const m = /^(api|login)\.(.+)$/.exec(u.hostname.toLowerCase());
    const d = m?.[2];
    return d !== undefined && isRegionDomain(d) ? d : undefined;
}
/**
 * Resolves the API and login base URLs from a region domain and/or explicit overrides. Overrides win over the region.
 * With only one override, the other is derived when the given one is a Genesys `api.`/`login.` host; otherwise both
 * are required (a gateway or emulator cannot be guessed).
 */
function regions_resolveEndpoints(input) {
    const region = input.region?.trim() ? input.region.trim() : undefined;
    const apiOverride = input.apiUrl?.trim() ? input.apiUrl.trim() : undefined;
    const loginOverride = input.loginUrl?.trim() ? input.loginUrl.trim() : undefined;
    let fromRegion;
    if (region !== undefined) {
        const d = normaliseRegion(region);
        if (!isRegionDomain(d)) {
            throw new genesys_errors/* GenesysError */.DF({
                kind: 'config',
                message: `unknown Genesys Cloud region "${region}". Use the domain of your org's region, one of: ${REGION_DOMAINS.join(', ')} (or set api-url and login-url for a gateway or the emulator)`
            });
        }
        fromRegion = regionEndpoints(d);
    }
    const api = apiOverride !== undefined ? assertSafeUrl(apiOverride, 'api-url') : undefined;
    const login = loginOverride !== undefined ? assertSafeUrl(loginOverride, 'login-url') : undefined;
    if (api && login)
        return { region: fromRegion?.region, apiUrl: trimBase(api), loginUrl: trimBase(login) };
    if (api || login) {
        const given = (api ?? login);
        const derivedRegion = genesysRegionOf(given);
        if (derivedRegion) {
            const derived = regionEndpoints(derivedRegion);
            return {
                region: fromRegion?.region ?? derivedRegion,
                apiUrl: api ? trimBase(api) : derived.apiUrl,
                loginUrl: login ? trimBase(login) : derived.loginUrl
            };
        }
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'config',
            message: api
                ? 'api-url is set but login-url is not, and api-url is not a Genesys Cloud api.<region> host, so the login URL cannot be derived: set login-url too'
                : 'login-url is set but api-url is not, and login-url is not a Genesys Cloud login.<region> host, so the API URL cannot be derived: set api-url too'
        });
    }
    if (fromRegion)
        return fromRegion;
    throw new genesys_errors/* GenesysError */.DF({
        kind: 'config',
        message: `no Genesys Cloud target: set region (one of ${REGION_DOMAINS.join(', ')}) or both api-url and login-url`
    });
}

;// CONCATENATED MODULE: ./src/genesys/auth.ts




/** How long before expiry a token is renewed: max(60 s, 10 %), but never more than half its lifetime. */
function renewalMargin(lifetimeMs) {
    return Math.min(Math.max(60_000, lifetimeMs * 0.1), lifetimeMs / 2);
}
class TokenProvider {
    tokenUrl;
    basic;
    http;
    clock;
    logger;
    onSecret;
    cached;
    inflight;
    lifetimeSeconds;
    constructor(options) {
        if (!options.clientId.trim()) {
            throw new genesys_errors/* GenesysError */.DF({ kind: 'config', message: 'client-id is empty: set it to the OAuth client id' });
        }
        if (!options.clientSecret) {
            throw new genesys_errors/* GenesysError */.DF({ kind: 'config', message: 'client-secret is empty: pass it from a repository secret' });
        }
        // Mask first, before anything else can fail and log.
        this.basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
        redact/* redactor */.$.addBasic(options.clientId, options.clientSecret);
        options.onSecret?.(options.clientSecret);
        options.onSecret?.(this.basic);
        const login = assertSafeUrl(options.loginUrl, 'login-url');
        this.tokenUrl = `${login.protocol}//${login.host}${login.pathname.replace(/\/+$/, '')}/oauth/token`;
        this.http = options.http;
        this.clock = options.clock;
        this.logger = options.logger;
        this.onSecret = options.onSecret;
    }
    /** A valid access token: the cached one, or a new one (concurrent callers share one in-flight request). */
    async getToken() {
        if (this.cached && this.clock.now() < this.cached.renewAt)
            return this.cached.value;
        this.inflight ??= this.fetchToken().finally(() => {
            this.inflight = undefined;
        });
        return this.inflight;
    }
    /** The lifetime (`expires_in`, seconds) of the last token issued, once one was (for `command: doctor`). */
    lastLifetimeSeconds() {
        return this.lifetimeSeconds;
    }
    /** Drops `token` if it is still the cached one (after a 401), so the next getToken() requests a new one. */
    invalidate(token) {
        if (this.cached?.value === token)
            this.cached = undefined;
    }
    async fetchToken() {
        const requestedAt = this.clock.now();
        let json;
        try {
            const res = await this.http.request({
                method: 'POST',
                url: this.tokenUrl,
                headers: {
                    authorization: `Basic ${this.basic}`,
                    'content-type': 'application/x-www-form-urlencoded',
                    accept: 'application/json'
                },
                body: 'grant_type=client_credentials',
                // Asking for a token twice changes nothing: safe to re-send after a gateway error or a reset.
                idempotent: true,
                endpoint: 'POST /oauth/token'
            });
            json = res.json;
        }
        catch (e) {
            throw this.mapTokenError(e);
        }
        const parsed = TokenResponse.safeParse(json);
        if (!parsed.success) {
            throw new genesys_errors/* GenesysError */.DF({
                kind: 'shape',
                method: 'POST',
                path: '/oauth/token',
                message: 'POST /oauth/token returned a body without access_token/token_type/expires_in; check that login-url points at the Genesys Cloud login host (https://login.<region>)'
            });
        }
        const token = parsed.data.access_token;
        redact/* redactor */.$.add(token);
        this.onSecret?.(token);
        const lifetime = Math.max(0, parsed.data.expires_in * 1000);
        this.lifetimeSeconds = parsed.data.expires_in;
        this.cached = {
            value: token,
            expiresAt: requestedAt + lifetime,
            renewAt: requestedAt + lifetime - renewalMargin(lifetime)
        };
        this.logger?.info(`Genesys Cloud: obtained an access token (valid for ${Math.round(lifetime / 1000)} s)`);
        return token;
    }
    mapTokenError(e) {
        if (!(0,genesys_errors/* isGenesysError */.$t)(e) || e.kind !== 'http' || e.status === undefined)
            return e;
        if (e.status >= 500)
            return e;
        const code = e.code;
        const base = { method: 'POST', path: '/oauth/token', status: e.status, code, correlationId: e.correlationId };
        if (code === 'invalid_client' || (e.status === 401 && code === undefined)) {
            return new genesys_errors/* GenesysError */.DF({
                ...base,
                kind: 'auth',
                message: `Genesys Cloud rejected the client credentials (HTTP ${e.status}${code ? ` ${code}` : ''}). Check that client-id and client-secret belong to the same OAuth client, that the OAuth client uses the Client Credentials grant, and that region (or login-url) is your org's region`
            });
        }
        if (code === 'unauthorized_client' || code === 'unsupported_grant_type') {
            return new genesys_errors/* GenesysError */.DF({
                ...base,
                kind: 'auth',
                message: `Genesys Cloud refused the token request (HTTP ${e.status} ${code}): the OAuth client must use the Client Credentials grant type (Admin > Integrations > OAuth)`
            });
        }
        return new genesys_errors/* GenesysError */.DF({
            ...base,
            kind: 'auth',
            message: `Genesys Cloud token request failed: ${e.message}. Check client-id, client-secret and region`
        });
    }
}

;// CONCATENATED MODULE: ./src/genesys/http-urls.ts
// URL helpers of the HTTP layer: the templated endpoint key used for counters and log labels, and URLs reduced to
// what is safe to show (no query, no fragment, redacted).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Collections whose next path segment is an id unless it is one of the known literal sub-resources. */
const COLLECTIONS = new Set(['flows', 'jobs', 'versions', 'executions', 'sessions', 'turns']);
const LITERALS = new Set([
    'actions',
    'jobs',
    'export',
    'validate',
    'executions',
    'versions',
    'configuration',
    'datatables',
    'outcomes',
    'milestones',
    'divisionviews',
    'instances',
    'aggregates',
    'query'
]);
/** `GET /api/v2/flows/{id}/versions/{id}` — ids, UUIDs and numeric segments templated, query dropped. */
function endpointKey(method, url) {
    let pathname;
    try {
        pathname = new URL(url).pathname;
    }
    catch {
        pathname = url.split('?')[0] ?? url;
    }
    const segs = pathname.split('/');
    const out = segs.map((s, i) => {
        if (s === '')
            return s;
        const prev = i > 0 ? segs[i - 1] : undefined;
        if (UUID.test(s) || /^\d+(\.\d+)*$/.test(s))
            return '{id}';
        if (prev !== undefined && COLLECTIONS.has(prev) && !LITERALS.has(s))
            return '{id}';
        return s;
    });
    return `${method} ${out.join('/')}`;
}
/** Scheme, host and path of a URL, query and fragment dropped, redacted: safe for logs and messages. */
function safeUrl(url) {
    try {
        const u = new URL(url);
        return redact/* redactor */.$.redact(`${u.protocol}//${u.host}${u.pathname}`);
    }
    catch {
        return redact/* redactor */.$.redact(url.split('?')[0] ?? '');
    }
}
function pathOf(url) {
    try {
        return new URL(url).pathname;
    }
    catch {
        return url.split('?')[0] ?? url;
    }
}

;// CONCATENATED MODULE: ./src/genesys/rest.ts



const PAGE_SIZE = 100;
/** A listing longer than this is a paging bug (or a server that ignores pageNumber), not an org. */
const MAX_PAGES = 500;
/** A path segment: an id encoded so it cannot change the path. */
function seg(id) {
    return encodeURIComponent(id);
}
function describeIssue(issue) {
    const path = issue.path.length
        ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
        : 'the top level';
    const input = issue.input;
    const shown = (() => {
        if (input === undefined)
            return 'nothing';
        const s = JSON.stringify(input) ?? String(input);
        return s.length > 60 ? `${s.slice(0, 60)}…` : s;
    })();
    if (issue.code === 'invalid_value') {
        return `unknown value ${shown} at ${path} (expected one of ${issue.values.map((v) => String(v)).join(', ')})`;
    }
    if (issue.code === 'invalid_type') {
        return input === undefined
            ? `missing ${issue.expected} at ${path}`
            : `expected ${issue.expected} at ${path}, got ${shown}`;
    }
    return `${issue.message} at ${path}`;
}
class GenesysRest {
    apiUrl;
    http;
    auth;
    logger;
    lastHeaders;
    constructor(options) {
        this.apiUrl = options.apiUrl;
        this.http = options.http;
        this.auth = options.auth;
        this.logger = options.logger;
    }
    url(path, query = {}) {
        // encodeURIComponent (spaces as %20, like the official SDK), not URLSearchParams' form encoding (spaces as +).
        const qs = Object.entries(query)
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join('&');
        return `${this.apiUrl}${path}${qs ? `?${qs}` : ''}`;
    }
    /** The headers of the last successful API response (lower-case names), e.g. to see `inin-ratelimit-*`. */
    lastResponseHeaders() {
        return this.lastHeaders;
    }
    /** An authenticated API call: Bearer token; on a 401, one token renewal and one re-send, never a loop. */
    async call(req) {
        const res = await this.callOnce(req);
        this.lastHeaders = res.headers;
        return res;
    }
    async callOnce(req) {
        const withToken = (token) => ({
            ...req,
            headers: { accept: 'application/json', ...req.headers, authorization: `Bearer ${token}` }
        });
        const token = await this.auth.getToken();
        try {
            return await this.http.request(withToken(token));
        }
        catch (e) {
            if (!(0,genesys_errors/* isGenesysError */.$t)(e) || e.status !== 401 || e.kind !== 'http')
                throw this.hint(e);
            this.auth.invalidate(token);
            this.logger?.info(`${req.method} ${safeUrl(req.url)}: 401 Unauthorized; renewing the access token and retrying once`);
            const renewed = await this.auth.getToken();
            this.http.noteRetry();
            try {
                return await this.http.request(withToken(renewed));
            }
            catch (e2) {
                if ((0,genesys_errors/* isGenesysError */.$t)(e2) && e2.status === 401 && e2.kind === 'http') {
                    throw new genesys_errors/* GenesysError */.DF({
                        kind: 'auth',
                        method: e2.method,
                        path: e2.path,
                        status: 401,
                        code: e2.code,
                        correlationId: e2.correlationId,
                        contextId: e2.contextId,
                        message: `${e2.message} — a freshly issued token was rejected too; check that api-url and login-url belong to the same region and org`
                    });
                }
                throw this.hint(e2);
            }
        }
    }
    /**
     * A call to a presigned storage URL: no Authorization header, and on failure a message without the response body
     * (storage error documents echo the signed request).
     */
    async presigned(req, what) {
        try {
            return await this.http.request(req);
        }
        catch (e) {
            if (!(0,genesys_errors/* isGenesysError */.$t)(e) || e.kind !== 'http')
                throw e;
            const hint = e.status === 403
                ? ' (the presigned URL may have expired, or the headers differ from the ones Genesys returned)'
                : '';
            throw new genesys_errors/* GenesysError */.DF({
                kind: 'http',
                method: req.method,
                path: safeUrl(req.url),
                status: e.status,
                correlationId: e.correlationId,
                message: `${what} ${safeUrl(req.url)} failed with HTTP ${e.status}${hint}`
            });
        }
    }
    async getJson(schema, path, query = {}) {
        const url = this.url(path, query);
        const res = await this.call({ method: 'GET', url });
        return this.parse(schema, res.json, 'GET', url, res.correlationId);
    }
    async sendJson(schema, method, path, body, query = {}, idempotent) {
        const url = this.url(path, query);
        const res = await this.call({
            method,
            url,
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
            idempotent
        });
        return this.parse(schema, res.json, method, url, res.correlationId);
    }
    async allPages(schema, path, query) {
        const out = [];
        for (let page = 1; page <= MAX_PAGES; page++) {
            const p = await this.getJson(schema, path, { ...query, pageSize: String(PAGE_SIZE), pageNumber: String(page) });
            out.push(...p.entities);
            const done = p.pageCount !== undefined ? page >= p.pageCount : p.entities.length < PAGE_SIZE;
            if (done || p.entities.length === 0)
                return out;
        }
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'shape',
            method: 'GET',
            path,
            message: `GET ${path}: more than ${MAX_PAGES} pages of ${PAGE_SIZE}; the server is probably ignoring pageNumber`
        });
    }
    /** Adds the usual fix to a 403: permissions come from the OAuth client's roles. */
    hint(e) {
        if ((0,genesys_errors/* isGenesysError */.$t)(e) && e.kind === 'http' && e.status === 403) {
            return e.with({
                message: `${e.message} — the OAuth client's roles lack a permission for this call (e.g. architect:flow:view, architect:flow:publish, architect:job:create, architect:jobExport:create, architect:flow:launch, analytics:flowAggregate:view)`
            });
        }
        return e;
    }
    parse(schema, data, method, url, correlationId) {
        const r = schema.safeParse(data, { reportInput: true });
        if (r.success)
            return r.data;
        const first = r.error.issues[0];
        const endpoint = endpointKey(method, url);
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'shape',
            method,
            path: redact/* redactor */.$.redact(new URL(url).pathname),
            correlationId,
            message: redact/* redactor */.$.redact(`${endpoint}: unexpected response: ${first ? describeIssue(first) : 'does not match the expected shape'}${r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more issue(s))` : ''}`)
        });
    }
}

;// CONCATENATED MODULE: ./src/genesys/executions.ts


async function launchExecution(rest, req) {
    const body = { flowId: req.flowId };
    if (req.flowVersion !== undefined)
        body.flowVersion = req.flowVersion;
    if (req.inputData !== undefined)
        body.inputData = req.inputData;
    if (req.name !== undefined)
        body.name = req.name;
    return rest.sendJson(FlowExecutionLaunchResponse, 'POST', '/api/v2/flows/executions', body);
}
async function getExecution(rest, executionId) {
    return rest.getJson(FlowRuntimeExecution, `/api/v2/flows/executions/${seg(executionId)}`);
}
async function queryFlowAggregates(rest, query) {
    // A query changes nothing, so it may be re-sent after a gateway error like a GET.
    return rest.sendJson(FlowAggregateQueryResponse, 'POST', '/api/v2/analytics/flows/aggregates/query', query, {}, true);
}

;// CONCATENATED MODULE: ./src/genesys/flows.ts
// Flow and flow-version endpoints: listing (all pages), reading, publishing, unlocking and deleting; and the org the
// flows belong to.


const PagedFlows = Paged(Flow);
const PagedVersions = Paged(FlowVersion);
/** The org of the credentials: only its id and name are returned (the ledger needs nothing else). */
async function getOrganization(rest) {
    const org = await rest.getJson(Organization, '/api/v2/organizations/me');
    return org.name === undefined ? { id: org.id } : { id: org.id, name: org.name };
}
async function findFlowsByName(rest, name, type) {
    const flows = await rest.allPages(PagedFlows, '/api/v2/flows', { name, type });
    // The name filter is not an exact match, and responses spell the type in upper case.
    return flows.filter((f) => f.name === name && f.type?.toLowerCase() === type);
}
/** One page of GET /api/v2/flows as the server answers it (its pageSize may differ from the one asked for). */
async function listFlowsPage(rest, page) {
    return rest.getJson(PagedFlows, '/api/v2/flows', {
        pageSize: String(page.pageSize),
        pageNumber: String(page.pageNumber ?? 1)
    });
}
async function listFlows(rest, type) {
    const flows = await rest.allPages(PagedFlows, '/api/v2/flows', type ? { type } : {});
    return type ? flows.filter((f) => f.type === undefined || f.type.toLowerCase() === type) : flows;
}
async function getFlow(rest, flowId) {
    return rest.getJson(Flow, `/api/v2/flows/${seg(flowId)}`);
}
async function listFlowVersions(rest, flowId) {
    return rest.allPages(PagedVersions, `/api/v2/flows/${seg(flowId)}/versions`, {});
}
async function getFlowVersion(rest, flowId, versionId) {
    return rest.getJson(FlowVersion, `/api/v2/flows/${seg(flowId)}/versions/${seg(versionId)}`);
}
async function getFlowVersionConfiguration(rest, flowId, versionId) {
    const res = await rest.call({
        method: 'GET',
        url: rest.url(`/api/v2/flows/${seg(flowId)}/versions/${seg(versionId)}/configuration`)
    });
    return res.json;
}
async function publishFlow(rest, flowId, version) {
    const q = { flow: flowId };
    if (version !== undefined)
        q.version = version;
    return rest.sendJson(Operation, 'POST', '/api/v2/flows/actions/publish', undefined, q);
}
async function unlockFlow(rest, flowId) {
    return rest.sendJson(Flow, 'POST', '/api/v2/flows/actions/unlock', undefined, { flow: flowId });
}
async function deleteFlow(rest, flowId) {
    await rest.call({ method: 'DELETE', url: rest.url(`/api/v2/flows/${seg(flowId)}`), responseType: 'none' });
}

// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(46752);
;// CONCATENATED MODULE: ./src/genesys/http-failures.ts
// Error classification for the HTTP layer: which transport failures happened before the request was sent (safe to
// re-send), which after (the outcome is unknown), and how an error response (Genesys error body, OAuth error, HTML
// page, redirect, anything else) becomes a GenesysError. Everything put in a message passes through the redactor.



/** Failures that provably happened before any byte of the request reached the server: safe to re-send even a POST. */
const BEFORE_SEND_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT'
]);
/** Transient failures after the connection existed: the request may have been processed. */
const AFTER_SEND_CODES = new Set([
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
]);
/** The abort reason of the per-request timer. */
class TimeoutSignal extends Error {
    constructor() {
        super('request timed out');
        this.name = 'TimeoutSignal';
    }
}
function errorCode(e) {
    // undici and node:net put the errno-style code on the error or on a cause a level or two down.
    let cur = e;
    for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
        const code = cur.code;
        if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR')
            return code;
        cur = cur.cause;
    }
    return undefined;
}
function isJsonType(ct) {
    return /^application\/([\w.-]+\+)?json\b/i.test(ct.trim()) || /^text\/json\b/i.test(ct.trim());
}
function oneLine(s, max) {
    const flat = s.replace(/\s+/g, ' ').trim();
    return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
/** Whether NO_PROXY exempts a host, read the way undici's EnvHttpProxyAgent reads it. */
function exempt(hostname, port, noProxy) {
    for (const entry of noProxy.split(/[,\s]/).filter(Boolean)) {
        const m = /^\[(.+)\]:(\d+)$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry);
        const host = (m ? m[1] : entry.replace(/^\[(.+)\]$/, '$1')).replace(/^\*?\./, '').toLowerCase();
        if (m && Number(m[2]) !== port)
            continue;
        if (host === '*' || (!entry.startsWith('*') && hostname === host) || hostname.endsWith(`.${host}`))
            return true;
    }
    return false;
}
/**
 * The proxy a request to `url` goes through (HTTPS_PROXY / HTTP_PROXY and NO_PROXY, as the HTTP layer's
 * EnvHttpProxyAgent picks it): its host:port and the variable it came from — never its credentials.
 */
function proxyFor(url, env = process.env) {
    let target;
    try {
        target = new URL(url);
    }
    catch {
        return undefined;
    }
    const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : [];
    const variable = [...names, 'http_proxy', 'HTTP_PROXY'].find((n) => env[n]);
    if (!variable)
        return undefined;
    const hostname = target.hostname.replace(/^\[(.+)\]$/, '$1').toLowerCase();
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    if (exempt(hostname, port, env.no_proxy ?? env.NO_PROXY ?? ''))
        return undefined;
    let hostPort;
    try {
        const proxy = new URL(env[variable]);
        hostPort = proxy.port ? `${proxy.hostname}:${proxy.port}` : proxy.hostname;
    }
    catch {
        hostPort = '(unparsable address)';
    }
    return `through the proxy ${hostPort} from ${variable}`;
}
/** What a thrown transport error means for a retry; `url` names the proxy the request went through, if any. */
function classify(e, url, env = process.env) {
    if (e instanceof TimeoutSignal) {
        return { code: 'TIMEOUT', message: 'timed out', beforeSend: false, timeout: true, transient: true };
    }
    const code = errorCode(e) ?? 'UNKNOWN';
    const via = url === undefined ? undefined : proxyFor(url, env);
    const text = oneLine(e instanceof Error ? e.message : String(e), 200);
    // The proxy's own address is in undici's message ("connect ECONNREFUSED 127.0.0.1:9"): say which setting it was.
    const message = redact/* redactor */.$.redact(via ? `${text} (${via}; check that variable or NO_PROXY)` : text);
    if (BEFORE_SEND_CODES.has(code))
        return { code, message, beforeSend: true, timeout: false, transient: true };
    if (AFTER_SEND_CODES.has(code)) {
        const timeout = code.includes('TIMEOUT') || code === 'ETIMEDOUT';
        return { code, message, beforeSend: false, timeout, transient: true };
    }
    // TLS/certificate problems, invalid arguments, unknown failures: retrying will not help.
    return { code, message, beforeSend: false, timeout: false, transient: false };
}
/** The GenesysError for a non-2xx response; `prefix` replaces the usual "failed with HTTP n". */
function errorFrom(res, shown, base, correlationId, prefix) {
    const head = prefix ? `${shown}: ${prefix}` : `${shown} failed with HTTP ${res.status}`;
    const common = { ...base, kind: 'http', status: res.status, correlationId };
    if (res.status >= 300 && res.status < 400) {
        const loc = res.headers['location'];
        return new genesys_errors/* GenesysError */.DF({
            ...common,
            message: `${head}: redirect${loc ? ` to ${safeUrl(loc)}` : ''} not followed (credentials are never forwarded); point api-url/login-url at the final address`
        });
    }
    const ct = res.headers['content-type'] ?? '';
    const text = res.body.toString('utf8');
    if (isJsonType(ct)) {
        let body;
        try {
            body = JSON.parse(text);
        }
        catch {
            body = undefined;
        }
        if (body && typeof body === 'object' && !Array.isArray(body)) {
            return new genesys_errors/* GenesysError */.DF({ ...common, ...mapErrorBody(body, head) });
        }
    }
    if (/html/i.test(ct) || /^\s*<(!doctype|html)/i.test(text)) {
        // Never dump the page; its <title> is usually enough to tell a proxy from a load balancer.
        const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1];
        return new genesys_errors/* GenesysError */.DF({
            ...common,
            message: `${head}: the server returned an HTML page${title ? ` ("${redact/* redactor */.$.redact(oneLine(title, 80))}")` : ''} instead of a Genesys error body; a proxy, gateway or load balancer answered — check api-url/login-url and proxy settings`
        });
    }
    const snippet = redact/* redactor */.$.redact(oneLine(text, 200));
    return new genesys_errors/* GenesysError */.DF({ ...common, message: snippet ? `${head}: ${snippet}` : head });
}
/** Maps a Genesys `ErrorBody` (or an OAuth `{error, error_description}`) to GenesysError fields. */
function mapErrorBody(body, head) {
    const str = (v) => (typeof v === 'string' && v !== '' ? v : undefined);
    const code = str(body.code) ?? str(body.error);
    const msg = str(body.message) ?? str(body.error_description) ?? str(body.description);
    const details = Array.isArray(body.details) ? redact/* redactor */.$.redactDeep(body.details) : undefined;
    const errors = Array.isArray(body.errors) ? redact/* redactor */.$.redactDeep(body.errors) : undefined;
    // 400s often say little in `message`: summarise details and nested errors so the log line is actionable.
    const extra = [];
    for (const d of (details ?? []).slice(0, 3)) {
        if (d && typeof d === 'object') {
            const r = d;
            const parts = [
                str(r.errorCode),
                str(r.fieldName) && `field ${str(r.fieldName)}`,
                str(r.entityName) ?? str(r.entityId)
            ];
            const s = parts.filter(Boolean).join(' ');
            if (s)
                extra.push(s);
        }
    }
    for (const e of (errors ?? []).slice(0, 3)) {
        if (e && typeof e === 'object') {
            const s = str(e.message) ?? str(e.code);
            if (s)
                extra.push(s);
        }
    }
    const message = redact/* redactor */.$.redact(oneLine(`${head}${code ? ` ${code}` : ''}${msg ? `: ${msg}` : ''}${extra.length ? ` [${extra.join('; ')}]` : ''}`, 600));
    return { message, code, details, errors, contextId: str(body.contextId) };
}

;// CONCATENATED MODULE: ./src/genesys/http-limiter.ts
/** Sliding-window pacing on the injected clock. Check and record happen synchronously, so concurrent callers share it. */
class SlidingWindowLimiter {
    sent = [];
    limit;
    windowMs;
    clock;
    constructor(limit, windowMs, clock) {
        this.limit = limit;
        this.windowMs = windowMs;
        this.clock = clock;
    }
    /** Resolves when a request may be sent now; returns how long it waited. */
    async acquire() {
        const started = this.clock.now();
        for (;;) {
            const now = this.clock.now();
            while (this.sent.length > 0 && this.sent[0] <= now - this.windowMs)
                this.sent.shift();
            if (this.sent.length < this.limit) {
                this.sent.push(now);
                return now - started;
            }
            await this.clock.sleep(this.sent[0] + this.windowMs - now);
        }
    }
}

;// CONCATENATED MODULE: ./src/genesys/http-retry.ts
// Retry policy of the HTTP layer: which requests may be re-sent, Retry-After and backoff, and the decision after a
// failed attempt — wait and try again (429 honouring Retry-After; 502/503/504 and network errors with capped
// exponential backoff) inside the call's time budget, or the GenesysError to throw. A POST whose outcome is unknown is
// never re-sent.



const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE', 'HEAD']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);
/** Retry-After as seconds or an HTTP-date (relative to `now`), in ms; undefined when absent or unparseable. */
function parseRetryAfter(value, now) {
    if (value === undefined)
        return undefined;
    const v = value.trim();
    if (v === '')
        return undefined;
    if (/^\d+(\.\d+)?$/.test(v))
        return Math.round(Number(v) * 1000);
    const at = Date.parse(v);
    if (Number.isNaN(at))
        return undefined;
    return Math.max(0, at - now);
}
function fmtSeconds(ms) {
    const s = ms / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
/** After a request that produced no response: the retry to make, or throws. */
function retryAfterFailure(call, attempt, failure, policy) {
    const init = {
        ...call.base,
        kind: failure.timeout ? 'timeout' : 'network',
        message: failure.timeout
            ? `${call.shown} timed out after ${fmtSeconds(policy.timeoutMs)}`
            : `${call.shown} failed: ${failure.code} ${failure.message}`,
        cause: new Error(`${failure.code}: ${failure.message}`)
    };
    if (!failure.transient)
        throw new genesys_errors/* GenesysError */.DF(init);
    if (!failure.beforeSend && !call.idempotent) {
        throw new genesys_errors/* GenesysError */.DF({
            ...init,
            outcomeUnknown: true,
            message: `${init.message} after the request was sent; it may or may not have taken effect, so it was not re-sent (read the state back before trying again)`
        });
    }
    const wait = policy.backoffDelay(attempt);
    if (attempt >= policy.maxAttempts || policy.now() + wait > call.deadline) {
        throw new genesys_errors/* GenesysError */.DF({ ...init, message: `${init.message} (gave up after ${attempt} attempt(s))` });
    }
    return {
        wait,
        note: redact/* redactor */.$.redact(`${call.shown}: ${failure.code}; retrying in ${fmtSeconds(wait)} (attempt ${attempt + 1}/${policy.maxAttempts})`)
    };
}
/** After a non-2xx response: the retry to make (429, 502/503/504), or throws. */
function retryAfterStatus(call, attempt, res, correlationId, policy) {
    if (res.status === 429)
        return retryAfterThrottle(call, attempt, res, correlationId, policy);
    if (RETRYABLE_STATUS.has(res.status))
        return retryAfterGateway(call, attempt, res, correlationId, policy);
    throw errorFrom(res, call.shown, call.base, correlationId);
}
function retryAfterThrottle(call, attempt, res, correlationId, policy) {
    const now = policy.now();
    const retryAfter = parseRetryAfter(res.headers['retry-after'], now);
    const resetHeader = res.headers['inin-ratelimit-reset'];
    const reset = resetHeader !== undefined && /^\d+(\.\d+)?$/.test(resetHeader.trim()) ? Number(resetHeader) * 1000 : undefined;
    const wait = retryAfter ?? reset ?? policy.backoffDelay(attempt);
    const source = retryAfter !== undefined ? 'Retry-After' : reset !== undefined ? 'inin-ratelimit-reset' : 'backoff';
    if (attempt >= policy.maxAttempts) {
        throw errorFrom(res, call.shown, call.base, correlationId, `still rate-limited (429) after ${attempt} attempts`);
    }
    const remaining = call.deadline - now;
    if (wait > remaining) {
        throw new genesys_errors/* GenesysError */.DF({
            ...call.base,
            kind: 'budget',
            status: 429,
            correlationId,
            message: `${call.shown} was rate-limited (429) and Genesys Cloud asked to wait ${fmtSeconds(wait)} (${source}), but only ${fmtSeconds(Math.max(0, remaining))} of the ${fmtSeconds(call.budgetMs)} budget remain; failing now instead of waiting (another client may be sharing this OAuth client's token limit)`
        });
    }
    return {
        wait,
        note: `${call.shown}: rate-limited (429); waiting ${fmtSeconds(wait)} (${source}) before attempt ${attempt + 1}/${policy.maxAttempts}`
    };
}
function retryAfterGateway(call, attempt, res, correlationId, policy) {
    const err = errorFrom(res, call.shown, call.base, correlationId);
    if (!call.idempotent) {
        throw err.with({
            outcomeUnknown: true,
            message: `${err.message} — the request reached a gateway and may or may not have taken effect, so it was not re-sent (read the state back before trying again)`
        });
    }
    const wait = policy.backoffDelay(attempt);
    if (attempt >= policy.maxAttempts || policy.now() + wait > call.deadline) {
        throw err.with({ message: `${err.message} (gave up after ${attempt} attempt(s))` });
    }
    return {
        wait,
        note: `${call.shown}: HTTP ${res.status}; retrying in ${fmtSeconds(wait)} (attempt ${attempt + 1}/${policy.maxAttempts})`
    };
}

;// CONCATENATED MODULE: ./src/genesys/http.ts
// The one HTTP layer between the action and Genesys Cloud (undici). It owns: per-request timeouts, client-side pacing
// under the 300 requests/min/token limit, retries (429 honouring Retry-After; 502/503/504 and network errors with
// capped exponential backoff and jitter) inside a total time budget, the rule that a POST whose outcome is unknown is
// never re-sent, content-type checks before JSON parsing, mapping of Genesys error bodies to GenesysError, and the
// call counters. Everything it logs or puts in an error message passes through the process-wide redactor.
// The pieces live next to it: URL helpers (http-urls.ts), pacing (http-limiter.ts), failure classification and error
// mapping (http-failures.ts), and the retry decisions (http-retry.ts).







function normaliseHeaders(h) {
    const out = {};
    for (const [k, v] of Object.entries(h)) {
        if (v === undefined)
            continue;
        out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    return out;
}
class HttpClient {
    clock;
    logger;
    dispatcherValue;
    ownsDispatcher;
    timeoutMs;
    budgetMs;
    maxAttempts;
    backoff;
    random;
    limiter;
    policy;
    counters = { calls: 0, callsByEndpoint: {}, retries: 0, throttled: 0 };
    constructor(options) {
        this.clock = options.clock;
        this.logger = options.logger;
        this.dispatcherValue = options.dispatcher;
        this.ownsDispatcher = options.dispatcher === undefined;
        this.timeoutMs = options.timeoutMs ?? 30_000;
        this.budgetMs = options.budgetMs ?? 120_000;
        this.maxAttempts = Math.max(1, options.maxAttempts ?? 6);
        this.backoff = options.backoff ?? { baseMs: 500, capMs: 20_000 };
        this.random = options.random ?? Math.random;
        const perMinute = options.rateLimitPerMinute ?? 280;
        if (perMinute > 0)
            this.limiter = new SlidingWindowLimiter(perMinute, 60_000, this.clock);
        this.policy = {
            maxAttempts: this.maxAttempts,
            timeoutMs: this.timeoutMs,
            now: () => this.clock.now(),
            backoffDelay: (n) => this.backoffDelay(n)
        };
    }
    get dispatcher() {
        // Created lazily so constructing a client (e.g. to validate inputs) opens nothing.
        this.dispatcherValue ??= new undici.EnvHttpProxyAgent();
        return this.dispatcherValue;
    }
    stats() {
        return { ...this.counters, callsByEndpoint: { ...this.counters.callsByEndpoint } };
    }
    /** Counts a retry made by a layer above (the one re-send after a 401 and token renewal). */
    noteRetry() {
        this.counters.retries++;
    }
    /** Closes the dispatcher if this instance created it. */
    async close() {
        if (this.ownsDispatcher && this.dispatcherValue)
            await this.dispatcherValue.close();
    }
    /** Delay before retry `n` (1 = first retry): capped exponential with "equal jitter" (between half and all of it). */
    backoffDelay(n) {
        const exp = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** (n - 1));
        return Math.round(exp / 2 + (exp / 2) * this.random());
    }
    async request(req) {
        const call = this.begin(req);
        for (let attempt = 1;; attempt++) {
            const outcome = await this.attempt(call, attempt);
            if ('response' in outcome)
                return outcome.response;
            this.logger?.info(outcome.retry.note);
            await this.clock.sleep(outcome.retry.wait);
        }
    }
    begin(req) {
        return {
            req,
            endpoint: req.endpoint ?? endpointKey(req.method, req.url),
            shown: `${req.method} ${safeUrl(req.url)}`,
            idempotent: req.idempotent ?? IDEMPOTENT.has(req.method),
            budgetMs: req.budgetMs ?? this.budgetMs,
            // The budget starts with the first send: time queued behind client-side pacing is not Genesys being slow.
            deadline: Number.POSITIVE_INFINITY,
            base: { method: req.method, path: redact/* redactor */.$.redact(pathOf(req.url)) }
        };
    }
    /** Paces, counts and sends the request once, then decodes the response or decides on a retry. */
    async attempt(call, attempt) {
        // Pacing is awaited here, not in a helper: the send must follow the limiter's grant without yielding again.
        if (this.limiter) {
            const waited = await this.limiter.acquire();
            if (waited > 0)
                this.logger?.debug(`pacing: waited ${fmtSeconds(waited)} before ${call.shown} (client-side rate limit)`);
        }
        if (attempt === 1)
            call.deadline = this.clock.now() + call.budgetMs;
        this.count(call.endpoint, attempt);
        const sentAt = this.clock.now();
        let res;
        try {
            res = await this.send(call.req);
        }
        catch (e) {
            return {
                retry: retryAfterFailure(call, attempt, classify(e, this.ownsDispatcher ? call.req.url : undefined), this.policy)
            };
        }
        const correlationId = res.headers['inin-correlation-id'];
        this.logger?.debug(`${call.shown} → ${res.status} (${this.clock.now() - sentAt} ms)`);
        if (res.status >= 200 && res.status < 300) {
            return { response: this.success(call.req, res, call.shown, call.base, correlationId) };
        }
        if (res.status === 429)
            this.counters.throttled++;
        return { retry: retryAfterStatus(call, attempt, res, correlationId, this.policy) };
    }
    count(endpoint, attempt) {
        this.counters.calls++;
        this.counters.callsByEndpoint[endpoint] = (this.counters.callsByEndpoint[endpoint] ?? 0) + 1;
        if (attempt > 1)
            this.counters.retries++;
    }
    async send(req) {
        const controller = new AbortController();
        // A real timer: the per-request timeout guards real I/O, which a virtual clock cannot advance.
        const timer = setTimeout(() => controller.abort(new TimeoutSignal()), this.timeoutMs);
        timer.unref?.();
        try {
            const res = await (0,undici.request)(req.url, {
                method: req.method,
                headers: req.headers,
                body: req.body,
                dispatcher: this.dispatcher,
                signal: controller.signal
            });
            const headers = normaliseHeaders(res.headers);
            if (req.responseType === 'none' && res.statusCode >= 200 && res.statusCode < 300) {
                await res.body.dump();
                return { status: res.statusCode, headers, body: Buffer.alloc(0) };
            }
            return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) };
        }
        catch (e) {
            if (controller.signal.aborted && controller.signal.reason instanceof TimeoutSignal)
                throw controller.signal.reason;
            throw e;
        }
        finally {
            clearTimeout(timer);
        }
    }
    success(req, res, shown, base, correlationId) {
        const out = { status: res.status, headers: res.headers, correlationId };
        const type = req.responseType ?? 'json';
        if (type === 'none')
            return out;
        if (type === 'bytes')
            return { ...out, bytes: res.body };
        const ct = res.headers['content-type'] ?? '';
        if (!isJsonType(ct)) {
            throw new genesys_errors/* GenesysError */.DF({
                ...base,
                kind: 'shape',
                status: res.status,
                correlationId,
                message: `${shown} returned ${res.status} with content type "${oneLine(ct, 60) || 'none'}" instead of JSON (${res.body.length} bytes); a proxy or gateway may have answered instead of Genesys Cloud — check api-url and proxy settings`
            });
        }
        try {
            return { ...out, json: JSON.parse(res.body.toString('utf8')) };
        }
        catch {
            throw new genesys_errors/* GenesysError */.DF({
                ...base,
                kind: 'shape',
                status: res.status,
                correlationId,
                message: `${shown} returned ${res.status} with a JSON content type but a body that is not valid JSON (${res.body.length} bytes)`
            });
        }
    }
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
;// CONCATENATED MODULE: ./src/genesys/zip.ts
// A small, strict zip reader for Architect export downloads (several flows come back as one zip). It reads the central
// directory, supports the two methods exports use (stored and deflate) and verifies sizes and CRC-32, so a truncated or
// tampered download is an error rather than a half-read flow. No zip64, no encryption: those are refused by name.

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
/** Guard against zip bombs: exports are a few hundred KB of YAML per flow. */
const MAX_TOTAL_BYTES = 200 * 1024 * 1024;
class ZipError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ZipError';
    }
}
function isZip(buf) {
    return buf.length >= 4 && (buf.readUInt32LE(0) === LFH_SIG || buf.readUInt32LE(0) === EOCD_SIG);
}
function findEocd(buf) {
    // The end-of-central-directory record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
    const min = Math.max(0, buf.length - 22 - 0xffff);
    for (let i = buf.length - 22; i >= min; i--) {
        if (buf.readUInt32LE(i) === EOCD_SIG)
            return i;
    }
    throw new ZipError('not a zip archive: end of central directory not found');
}
function safeName(name) {
    const n = name.replace(/\\/g, '/');
    if (n.startsWith('/') || /^[a-zA-Z]:/.test(n) || n.split('/').includes('..')) {
        throw new ZipError(`zip entry "${name}" has an absolute or parent-relative path`);
    }
    return n;
}
/** Every file in the archive (directories skipped), in central-directory order. */
function readZip(buf) {
    if (buf.length < 22)
        throw new ZipError('not a zip archive: too short');
    const eocd = findEocd(buf);
    const count = buf.readUInt16LE(eocd + 10);
    const cdSize = buf.readUInt32LE(eocd + 12);
    const cdOffset = buf.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
        throw new ZipError('zip64 archives are not supported');
    }
    if (cdOffset + cdSize > eocd)
        throw new ZipError('corrupt zip: central directory outside the archive');
    const entries = [];
    let total = 0;
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
        if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDH_SIG)
            throw new ZipError(`corrupt zip: bad central header ${i}`);
        const flags = buf.readUInt16LE(p + 8);
        const method = buf.readUInt16LE(p + 10);
        const crc = buf.readUInt32LE(p + 16);
        const compSize = buf.readUInt32LE(p + 20);
        const size = buf.readUInt32LE(p + 24);
        const nameLen = buf.readUInt16LE(p + 28);
        const extraLen = buf.readUInt16LE(p + 30);
        const commentLen = buf.readUInt16LE(p + 32);
        const localOffset = buf.readUInt32LE(p + 42);
        const rawName = buf.subarray(p + 46, p + 46 + nameLen);
        // Bit 11: UTF-8 names; otherwise CP437, which for ASCII names is the same.
        const name = (flags & 0x800) !== 0 ? rawName.toString('utf8') : rawName.toString('latin1');
        p += 46 + nameLen + extraLen + commentLen;
        if (name.endsWith('/'))
            continue;
        if ((flags & 0x1) !== 0)
            throw new ZipError(`zip entry "${name}" is encrypted`);
        if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LFH_SIG) {
            throw new ZipError(`corrupt zip: bad local header for "${name}"`);
        }
        const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
        if (dataStart + compSize > buf.length)
            throw new ZipError(`corrupt zip: "${name}" is truncated`);
        total += size;
        if (total > MAX_TOTAL_BYTES)
            throw new ZipError('zip expands beyond 200 MB; refusing');
        const comp = buf.subarray(dataStart, dataStart + compSize);
        let data;
        if (method === 0)
            data = Buffer.from(comp);
        else if (method === 8) {
            try {
                data = (0,external_node_zlib_.inflateRawSync)(comp, { maxOutputLength: Math.max(1, size) });
            }
            catch (e) {
                throw new ZipError(`corrupt zip: "${name}" does not inflate (${e.message})`);
            }
        }
        else
            throw new ZipError(`zip entry "${name}" uses compression method ${method}; only stored and deflate are supported`);
        if (data.length !== size)
            throw new ZipError(`corrupt zip: "${name}" is ${data.length} bytes, expected ${size}`);
        if ((0,external_node_zlib_.crc32)(data) >>> 0 !== crc)
            throw new ZipError(`corrupt zip: CRC mismatch for "${name}"`);
        entries.push({ name: safeName(name), data });
    }
    return entries;
}

;// CONCATENATED MODULE: ./src/genesys/jobs.ts






/** The platform refuses request bodies above 512,000 bytes. */
const MAX_UPLOAD_BYTES = 512_000;
// ---- Architect jobs ----
async function registerArchitectJob(rest) {
    return rest.sendJson(RegisterArchitectJobResponse, 'POST', '/api/v2/flows/jobs');
}
async function uploadArchitectJobFile(rest, job, yaml) {
    const body = Buffer.from(yaml, 'utf8');
    if (body.length > MAX_UPLOAD_BYTES) {
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'config',
            method: 'PUT',
            message: `flow YAML is ${body.length} bytes; Genesys Cloud accepts at most ${MAX_UPLOAD_BYTES} bytes per upload — split the flow or move content into common modules`
        });
    }
    assertSafeUrl(job.presignedUrl, 'the presigned upload URL');
    // Exactly the headers Genesys returned (they are part of the signature), and never our Authorization header.
    const res = await rest.presigned({
        method: 'PUT',
        url: job.presignedUrl,
        headers: { ...job.headers },
        body,
        responseType: 'none',
        endpoint: 'PUT {presignedUrl}'
    }, 'upload of the flow YAML to');
    if (res.status !== 200) {
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'http',
            method: 'PUT',
            path: safeUrl(job.presignedUrl),
            status: res.status,
            message: `upload of the flow YAML to ${safeUrl(job.presignedUrl)} answered ${res.status}, expected 200; the Architect job will not see the file`
        });
    }
}
async function getArchitectJob(rest, jobId) {
    return rest.getJson(ArchitectJobStateResponse, `/api/v2/flows/jobs/${seg(jobId)}`, { expand: 'messages' });
}
// ---- export jobs ----
async function registerExportJob(rest, flows) {
    const body = { flows: flows.map((f) => ({ flow: { id: f.flowId, version: f.version }, exportType: 'Yaml' })) };
    return rest.sendJson(RegisterJobResponse, 'POST', '/api/v2/flows/export/jobs', body);
}
async function getExportJob(rest, jobId) {
    return rest.getJson(ExportJobStateResponse, `/api/v2/flows/export/jobs/${seg(jobId)}`, { expand: 'messages' });
}
async function downloadExport(rest, downloadUrl) {
    const u = assertSafeUrl(downloadUrl, 'the export download URL');
    const res = await rest.presigned({
        method: 'GET',
        url: downloadUrl,
        headers: { accept: '*/*' },
        responseType: 'bytes',
        endpoint: 'GET {downloadUrl}'
    }, 'export download from');
    const bytes = res.bytes ?? Buffer.alloc(0);
    if (isZip(bytes)) {
        try {
            return readZip(bytes).map((e) => ({ fileName: e.name, content: e.data.toString('utf8') }));
        }
        catch (e) {
            if (e instanceof ZipError) {
                throw new genesys_errors/* GenesysError */.DF({
                    kind: 'shape',
                    method: 'GET',
                    path: safeUrl(downloadUrl),
                    message: `export download ${safeUrl(downloadUrl)}: ${e.message}`
                });
            }
            throw e;
        }
    }
    const text = bytes.toString('utf8');
    if (/^\s*<(!doctype|html)/i.test(text) || /html/i.test(res.headers['content-type'] ?? '')) {
        throw new genesys_errors/* GenesysError */.DF({
            kind: 'shape',
            method: 'GET',
            path: safeUrl(downloadUrl),
            message: `export download ${safeUrl(downloadUrl)} returned an HTML page instead of YAML or a zip (an expired link or a proxy page)`
        });
    }
    return [{ fileName: fileNameFor(res.headers['content-disposition'], u), content: text }];
}
function fileNameFor(disposition, u) {
    const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
    const raw = m?.[1] ? decodeURIComponent(m[1]) : decodeURIComponent(u.pathname.split('/').pop() ?? '');
    const base = raw.split(/[\\/]/).pop() ?? '';
    return base && base !== '..' && base !== '.' ? base : 'export.yaml';
}
// ---- validate jobs ----
async function registerValidateJob(rest, flows) {
    const body = {
        flows: flows.map((f) => ({
            flow: f.version === undefined ? { id: f.flowId } : { id: f.flowId, version: f.version }
        }))
    };
    return rest.sendJson(RegisterJobResponse, 'POST', '/api/v2/flows/validate/jobs', body);
}
async function getValidateJob(rest, jobId) {
    return rest.getJson(ValidateJobStateResponse, `/api/v2/flows/validate/jobs/${seg(jobId)}`, { expand: 'messages' });
}

;// CONCATENATED MODULE: ./src/genesys/client.ts








class GenesysClient {
    apiUrl;
    loginUrl;
    http;
    rest;
    auth;
    constructor(options) {
        // The token provider registers the secret with the redactor before anything else can fail and log.
        this.http =
            options.http ??
                new HttpClient({
                    clock: options.clock,
                    logger: options.logger,
                    dispatcher: options.dispatcher,
                    timeoutMs: options.timeoutMs,
                    budgetMs: options.budgetMs,
                    maxAttempts: options.maxAttempts,
                    backoff: options.backoff,
                    random: options.random,
                    rateLimitPerMinute: options.rateLimitPerMinute
                });
        const auth = new TokenProvider({
            loginUrl: options.loginUrl,
            clientId: options.clientId,
            clientSecret: options.clientSecret,
            http: this.http,
            clock: options.clock,
            logger: options.logger,
            onSecret: options.onSecret
        });
        const api = assertSafeUrl(options.apiUrl, 'api-url');
        this.apiUrl = `${api.protocol}//${api.host}${api.pathname.replace(/\/+$/, '')}`;
        this.loginUrl = options.loginUrl;
        this.auth = auth;
        this.rest = new GenesysRest({ apiUrl: this.apiUrl, http: this.http, auth, logger: options.logger });
    }
    stats() {
        return this.http.stats();
    }
    /** Closes the connection pool this client created (not an injected dispatcher). */
    close() {
        return this.http.close();
    }
    // ---- read-only probes of the platform (command: doctor) ----
    listFlowsPage(page) {
        return listFlowsPage(this.rest, page);
    }
    lastResponseHeaders() {
        return this.rest.lastResponseHeaders();
    }
    tokenLifetimeSeconds() {
        return this.auth.lastLifetimeSeconds();
    }
    // ---- flows (flows.ts) ----
    getOrganization() {
        return getOrganization(this.rest);
    }
    findFlowsByName(name, type) {
        return findFlowsByName(this.rest, name, type);
    }
    listFlows(type) {
        return listFlows(this.rest, type);
    }
    getFlow(flowId) {
        return getFlow(this.rest, flowId);
    }
    listFlowVersions(flowId) {
        return listFlowVersions(this.rest, flowId);
    }
    getFlowVersion(flowId, versionId) {
        return getFlowVersion(this.rest, flowId, versionId);
    }
    getFlowVersionConfiguration(flowId, versionId) {
        return getFlowVersionConfiguration(this.rest, flowId, versionId);
    }
    publishFlow(flowId, version) {
        return publishFlow(this.rest, flowId, version);
    }
    unlockFlow(flowId) {
        return unlockFlow(this.rest, flowId);
    }
    deleteFlow(flowId) {
        return deleteFlow(this.rest, flowId);
    }
    // ---- Architect, export and validate jobs (jobs.ts) ----
    registerArchitectJob() {
        return registerArchitectJob(this.rest);
    }
    uploadArchitectJobFile(job, yaml) {
        return uploadArchitectJobFile(this.rest, job, yaml);
    }
    getArchitectJob(jobId) {
        return getArchitectJob(this.rest, jobId);
    }
    registerExportJob(flows) {
        return registerExportJob(this.rest, flows);
    }
    getExportJob(jobId) {
        return getExportJob(this.rest, jobId);
    }
    downloadExport(downloadUrl) {
        return downloadExport(this.rest, downloadUrl);
    }
    registerValidateJob(flows) {
        return registerValidateJob(this.rest, flows);
    }
    getValidateJob(jobId) {
        return getValidateJob(this.rest, jobId);
    }
    // ---- executions and analytics (executions.ts) ----
    launchExecution(req) {
        return launchExecution(this.rest, req);
    }
    getExecution(executionId) {
        return getExecution(this.rest, executionId);
    }
    queryFlowAggregates(query) {
        return queryFlowAggregates(this.rest, query);
    }
}
/** Resolves region/overrides and builds a client in one step (what main does). */
function createGenesysClient(options) {
    const { region, apiUrl, loginUrl, ...rest } = options;
    // Mask the credentials before anything (even a bad region) can fail and be logged.
    redactor.addBasic(rest.clientId, rest.clientSecret);
    const endpoints = resolveEndpoints({ region, apiUrl, loginUrl });
    return new GenesysClient({ ...rest, apiUrl: endpoints.apiUrl, loginUrl: endpoints.loginUrl });
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/git/record.ts
// The release record (`<artifacts.dir>/release.json`) and the file layout of the committed exports.



const RELEASE_RECORD_FILE = 'release.json';
/** Longest safe-name in UTF-8 bytes: leaves room for the `.yaml` suffix under the usual 255-byte file name limit. */
const MAX_NAME_BYTES = 200;
const relativeFile = schemas/* string */.YjP()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the artifacts directory'
})
    // A segment git could read as an option (`--upload-pack=…`) or a control character never comes from artifactPath.
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
    .refine((p) => !p.split('/').some((seg) => seg.startsWith('-')) && !/[\u0000-\u001f\u007f]/.test(p), {
    message: 'must not have a segment starting with "-" or contain control characters'
});
const releaseRecordSchema = schemas/* object */.Ikc({
    schemaVersion: schemas/* literal */.euz(1),
    releaseId: schemas/* string */.YjP().min(1),
    sourceCommit: schemas/* string */.YjP(),
    outcome: schemas/* literal */.euz('succeeded'),
    flows: schemas/* array */.YOg(schemas/* object */.Ikc({
        name: schemas/* string */.YjP().min(1),
        type: schemas/* string */.YjP().min(1),
        id: schemas/* string */.YjP().min(1),
        version: schemas/* string */.YjP().min(1),
        contentHash: schemas/* string */.YjP().regex(/^[0-9a-f]{64}$/, 'must be a lower-case sha256 hex digest'),
        file: relativeFile
    }))
});
class ReleaseRecordError extends Error {
    path;
    constructor(path, message) {
        super(message);
        this.name = 'ReleaseRecordError';
        this.path = path;
    }
}
/**
 * Reads `<dir>/release.json`. Returns undefined when the file does not exist (first release); throws a
 * ReleaseRecordError naming the file when it is unreadable, not JSON, or not a valid record.
 */
async function readReleaseRecord(dir) {
    const path = (0,external_node_path_.join)(dir, RELEASE_RECORD_FILE);
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return undefined;
        throw new ReleaseRecordError(path, `Cannot read the release record ${path}: ${e.message}`);
    }
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (e) {
        throw new ReleaseRecordError(path, `The release record ${path} is not valid JSON (${e.message}). ` +
            'Restore it from git history, or delete it so that the next release treats every flow as changed.');
    }
    const parsed = releaseRecordSchema.safeParse(data);
    if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
        throw new ReleaseRecordError(path, `The release record ${path} is invalid: ${issues.join('; ')}. ` +
            'Restore it from git history, or delete it so that the next release treats every flow as changed.');
    }
    return parsed.data;
}
/**
 * Pretty JSON with a fixed key order and flows sorted by type and name, so that the same release state always
 * renders to the same bytes (no diff noise in git). Ends with a newline.
 */
function renderReleaseRecord(record) {
    const flows = [...record.flows]
        .sort((a, b) => cmp(a.type, b.type) || cmp(a.name, b.name))
        .map((f) => ({
        name: f.name,
        type: f.type,
        id: f.id,
        version: f.version,
        contentHash: f.contentHash,
        file: f.file
    }));
    const ordered = {
        schemaVersion: record.schemaVersion,
        releaseId: record.releaseId,
        sourceCommit: record.sourceCommit,
        outcome: record.outcome,
        flows
    };
    return `${JSON.stringify(ordered, null, 2)}\n`;
}
function cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/**
 * A file-name-safe form of a flow (or type) name: keeps letters, digits, space, dot, dash and underscore, replaces
 * everything else with `_`, and never yields a name that starts with `-` or `.`, contains `..` or `/`, or is empty.
 * Hostile names such as `--upload-pack=touch x` or `../../.git/hooks/x` therefore become inert file names.
 */
function record_safeName(name) {
    let s = name.normalize('NFC').replace(/[^\p{L}\p{N} ._-]/gu, '_');
    s = s.replace(/\.{2,}/g, (m) => '_'.repeat(m.length));
    s = s.replace(/^[-.]/, '_');
    if (Buffer.byteLength(s, 'utf8') > MAX_NAME_BYTES) {
        let out = '';
        for (const ch of s) {
            if (Buffer.byteLength(out + ch, 'utf8') > MAX_NAME_BYTES)
                break;
            out += ch;
        }
        s = out;
    }
    // A trailing dot would form `..` with the `.yaml` suffix; trailing spaces are invisible and trouble on Windows.
    s = s.replace(/[ .]+$/, '');
    return s === '' ? '_' : s;
}
/** Path of a flow's exported YAML relative to the artifacts dir: `<type>/<safe-name>.yaml`. */
function artifactPath(type, name) {
    return `${record_safeName(type)}/${record_safeName(name)}.yaml`;
}

;// CONCATENATED MODULE: ./src/git/artifacts.ts
// Turns a successful release into the files the repository keeps — `<dir>/<type>/<name>.yaml` for every flow the
// manifest releases and `<dir>/release.json` — and hands them to the committer. Flows not released this time (a
// `flows` subset, or unchanged) keep the files and record entries of the last release, so the directory always
// describes everything that is live.



function buildArtifactFiles(opts) {
    const { manifest, result, lastRecord, workspace } = opts;
    const dir = manifest.artifacts.dir.replace(/\/+$/, '');
    const exported = new Map(result.exports.map((e) => [e.name, e]));
    const previous = new Map((lastRecord?.flows ?? []).map((f) => [f.name, f]));
    const flows = [];
    const files = [];
    for (const spec of manifest.flows) {
        const file = artifactPath(spec.type, spec.name);
        const e = exported.get(spec.name);
        const old = previous.get(spec.name);
        if (e) {
            // After `command: rollback` the live content is the recorded one, not the manifest's current file.
            const hash = opts.command === 'rollback'
                ? (old?.contentHash ?? e.contentHash)
                : spec.source === 'file'
                    ? spec.contentHash
                    : e.contentHash;
            flows.push({ name: spec.name, type: spec.type, id: e.flowId, version: e.version, contentHash: hash, file });
            files.push({ path: `${dir}/${file}`, content: e.content });
            continue;
        }
        if (!old)
            continue;
        flows.push(old);
        try {
            files.push({ path: `${dir}/${old.file}`, content: (0,external_node_fs_.readFileSync)((0,external_node_path_.join)(workspace, dir, old.file), 'utf8') });
        }
        catch {
            // The old export is gone from the tree: keep the record entry; the next release of that flow restores it.
        }
    }
    const record = {
        schemaVersion: 1,
        releaseId: opts.releaseId,
        sourceCommit: opts.sourceCommit,
        outcome: 'succeeded',
        flows
    };
    files.push({ path: `${dir}/release.json`, content: renderReleaseRecord(record) });
    return { record, files };
}
async function commitArtifacts(opts) {
    const { files } = buildArtifactFiles(opts);
    const message = opts.manifest.artifacts.message.split('{{release}}').join(opts.releaseId);
    if (!opts.branch) {
        throw new Error('Cannot tell which branch to push to (GITHUB_REF_NAME is empty). Run the release on a branch push or workflow_dispatch, or set commit-artifacts: false.');
    }
    try {
        const res = await opts.committer.commitAndPush({
            cwd: opts.workspace,
            files,
            cleanDir: opts.manifest.artifacts.dir,
            message,
            branch: opts.branch,
            token: opts.token
        });
        opts.journal.append('commit', {
            status: 'ok',
            details: {
                sha: res.sha,
                files: res.files,
                pushed: res.pushed,
                attempts: res.attempts,
                skipped: res.sha ? undefined : 'nothing changed'
            }
        });
        return res;
    }
    catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        opts.journal.append('commit', {
            status: 'error',
            details: { files: files.map((f) => f.path), pushed: false, attempts: 0, error: msg }
        });
        throw e;
    }
}

// EXTERNAL MODULE: ./src/git/errors.ts
var errors = __webpack_require__(63341);
// EXTERNAL MODULE: ./src/git/push.ts
var git_push = __webpack_require__(57546);
// EXTERNAL MODULE: ./src/git/run.ts
var run = __webpack_require__(73073);
// EXTERNAL MODULE: ./src/git/validate.ts
var validate = __webpack_require__(87120);
;// CONCATENATED MODULE: ./src/git/worktree.ts
// Writing the release into the working tree: the files it owns, and removal of what it no longer owns under its
// directory. Paths arrive validated (validate.ts).


/** Writes each file, creating its directories. */
async function writeFiles(cwd, files) {
    for (const f of files) {
        await (0,promises_.mkdir)((0,external_node_path_.join)(cwd, (0,external_node_path_.dirname)(f.path)), { recursive: true });
        await (0,promises_.writeFile)((0,external_node_path_.join)(cwd, f.path), f.content, 'utf8');
    }
}
/** Deletes files under `dir` that are not in `keep`, then empty directories. Returns what was removed. */
async function removeStale(cwd, dir, keep) {
    const removed = [];
    const walk = async (rel) => {
        const entries = await (0,promises_.readdir)((0,external_node_path_.join)(cwd, rel), { withFileTypes: true }).catch((e) => {
            if (e.code === 'ENOENT')
                return undefined;
            throw e;
        });
        if (!entries)
            return false;
        let left = 0;
        for (const entry of entries) {
            const child = `${rel}/${entry.name}`;
            // Symlinks are not directories here, so they are removed as entries, never followed.
            if (entry.isDirectory()) {
                if (await walk(child))
                    left++;
                else
                    await (0,promises_.rmdir)((0,external_node_path_.join)(cwd, child)).catch(() => left++);
            }
            else if (keep.has(child)) {
                left++;
            }
            else {
                await (0,promises_.unlink)((0,external_node_path_.join)(cwd, child));
                removed.push(child);
            }
        }
        return left > 0;
    };
    await walk(dir);
    return removed.map((p) => p.split(external_node_path_.sep).join('/'));
}

;// CONCATENATED MODULE: ./src/git/committer.ts
// Commits the exported flows and the release record, and pushes them to the branch the release ran from.
//
// Safety properties this file and its helpers are responsible for (each one is tested in
// test/git/committer.test.ts):
// - every branch, remote and path is validated before git runs (validate.ts), and pathspecs follow `--` with
//   literal matching, so a hostile flow name can never become a git option or escape the working tree;
// - the token travels only in the environment of the fetch/push command (GIT_CONFIG_* entries for
//   http.extraheader, run.ts): never in the remote URL, .git/config, the process command line, a log line or an error;
// - a push is never forced: a non-fast-forward rejection is answered with fetch + rebase + retry (bounded), any
//   other rejection fails at once, and a failed push leaves the local commit in place (push.ts).





const NO_LOGGER = {
    debug: () => { },
    info: () => { },
    warning: () => { },
    error: () => { },
    startGroup: () => { },
    endGroup: () => { },
    setSecret: () => { }
};
function isInside(dir, path) {
    return path === dir || path.startsWith(`${dir}/`);
}
class GitCommitter {
    logger;
    maxPushAttempts;
    remote;
    idleTimeoutMs;
    constructor(options = {}) {
        this.logger = options.logger ?? NO_LOGGER;
        this.maxPushAttempts = options.maxPushAttempts ?? 3;
        this.remote = options.remote ?? 'origin';
        this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
        if (!Number.isInteger(this.maxPushAttempts) || this.maxPushAttempts < 1 || this.maxPushAttempts > 10) {
            throw new errors/* GitError */.XS('invalid-input', `maxPushAttempts must be an integer from 1 to 10, got ${options.maxPushAttempts}`);
        }
    }
    async commitAndPush(req) {
        // 1. Validate everything before git runs or a file is written.
        const { cwd, branch, remote, cleanDir, files } = await (0,validate/* validateRequest */.S)(req, this.remote);
        const authHeader = (0,run/* authHeaderFor */.RI)(req.token, this.logger);
        // 2. Write the files and remove what the release no longer owns.
        await writeFiles(cwd, files);
        const removed = await removeStale(cwd, cleanDir, new Set(files.map((f) => f.path)));
        if (removed.length > 0)
            this.logger.debug(`Removed ${removed.length} stale file(s) under ${cleanDir}`);
        // 3. Stage and commit only what belongs to the release.
        const git = new run/* GitRunner */.bl(cwd, this.logger, this.idleTimeoutMs);
        const pathspecs = [cleanDir, ...files.map((f) => f.path).filter((p) => !isInside(cleanDir, p))];
        const commit = await this.commit(git, pathspecs, cleanDir, req.message);
        if (!commit)
            return { sha: undefined, pushed: false, attempts: 0, files: [] };
        this.logger.info(`Committed ${commit.changed.length} file(s) as ${run/* BOT_NAME */.Wm}: ${commit.sha}`);
        // 4. Push; on non-fast-forward fetch, rebase and retry. Never force.
        const push = { git, logger: this.logger, remote, branch, maxAttempts: this.maxPushAttempts, authHeader };
        return (0,git_push/* pushWithRebase */.j)(push, commit.sha, commit.changed);
    }
    /** Stages `pathspecs` and commits what changed as the bot; undefined when nothing changed. */
    async commit(git, pathspecs, cleanDir, message) {
        try {
            await git.run(['add', '--all', '--', ...pathspecs]);
            const changed = (0,run/* splitZ */.fs)(await git.run(['diff', '--cached', '--name-only', '--no-renames', '-z', '--', ...pathspecs]));
            if (changed.length === 0) {
                this.logger.info(`No changes under ${cleanDir}: nothing to commit.`);
                return undefined;
            }
            await git.run(['commit', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', '-m', message, '--', ...changed], { identity: true });
            const sha = (await git.run(['rev-parse', 'HEAD'])).trim();
            return { sha, changed };
        }
        catch (e) {
            if (e instanceof errors/* GitError */.XS)
                throw e;
            throw new errors/* GitError */.XS('git-failed', `Committing the release artifacts in ${git.cwd} failed: ${(0,errors/* errorText */.kc)(e)}\n` +
                'Check that the workspace is a git checkout (actions/checkout) of a branch. The files were written but ' +
                'not committed; they are also in the audit artifact.');
        }
    }
}

;// CONCATENATED MODULE: ./src/manifest/loading.ts
// The manifest being loaded, as each phase of the loader (loader.ts) sees it.

function isRecord(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function toPosix(p) {
    return p.split((external_node_path_default()).sep).join('/');
}

// EXTERNAL MODULE: ./src/fields/duration.ts
var duration = __webpack_require__(53793);
// EXTERNAL MODULE: ./src/checks/registry.ts + 4 modules
var registry = __webpack_require__(10619);
;// CONCATENATED MODULE: ./src/fields/suggest.ts
// "Did you mean ...?" for typos in keys, enum values and names.
/** Levenshtein distance, bounded: strings longer than 64 chars are never suggested (keeps work O(64²)). */
function editDistance(a, b) {
    if (a.length > 64 || b.length > 64)
        return Number.POSITIVE_INFINITY;
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
        }
        prev = cur;
    }
    return prev[b.length] ?? Number.POSITIVE_INFINITY;
}
/** The candidate closest to `input` (case-insensitive), if close enough to be a plausible typo. */
function closest(input, candidates) {
    const lower = input.toLowerCase();
    let best;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const c of candidates) {
        const d = editDistance(lower, c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    const allowed = Math.max(2, Math.floor(input.length / 3));
    return bestDistance <= allowed ? best : undefined;
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/manifest/yaml-source.ts
// YAML parsing with positions, hardened against hostile input: size is capped by the caller, nesting is bounded by a
// linear pre-scan and an iterative AST walk (no recursion on user-controlled depth), aliases are capped in toJS.

const MAX_DEPTH = 64;
const MAX_ALIAS_COUNT = 100;
/** Cheap linear scan that refuses absurd nesting before the parser sees it (the parser's cost grows with depth). */
function prescanDepth(text) {
    let depth = 0;
    let line = 1;
    let lineStart = 0;
    let quote;
    let atLineStart = true;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '\n') {
            line++;
            lineStart = i + 1;
            atLineStart = true;
            if (quote === "'")
                quote = undefined; // tolerate broken single-quoted lines; parser reports them
            continue;
        }
        if (atLineStart) {
            if (ch === ' ' || ch === '-' || ch === '?' || ch === ':' || ch === '\t') {
                if (i - lineStart > 512) {
                    return deep(line, i - lineStart + 1);
                }
                continue;
            }
            atLineStart = false;
        }
        if (quote) {
            if (ch === quote)
                quote = undefined;
            else if (ch === '\\' && quote === '"')
                i++;
            continue;
        }
        if (ch === '"' || ch === "'")
            quote = ch;
        else if (ch === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
            const nl = text.indexOf('\n', i);
            if (nl < 0)
                break;
            i = nl - 1;
        }
        else if (ch === '[' || ch === '{') {
            if (++depth > MAX_DEPTH * 2)
                return deep(line, i - lineStart + 1);
        }
        else if (ch === ']' || ch === '}')
            depth = Math.max(0, depth - 1);
    }
    return undefined;
}
function deep(line, column) {
    return {
        line,
        column,
        path: [],
        message: `nesting is too deep (more than ${MAX_DEPTH} levels)`,
        fix: 'flatten the structure; a release manifest or flow file never needs this depth'
    };
}
function position(lc, offset) {
    const p = lc.linePos(Math.max(0, offset));
    return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
}
/** Depth of the AST, iteratively; returns the first node deeper than MAX_DEPTH. */
function tooDeep(doc) {
    const stack = [[doc.contents, 1]];
    while (stack.length > 0) {
        const [node, d] = stack.pop();
        if ((0,dist/* isMap */.jh)(node) || (0,dist/* isSeq */.oP)(node)) {
            if (d > MAX_DEPTH)
                return node;
            for (const item of node.items) {
                if ((0,dist/* isPair */.tO)(item)) {
                    stack.push([item.key, d + 1], [item.value, d + 1]);
                }
                else
                    stack.push([item, d + 1]);
            }
        }
    }
    return undefined;
}
function parseYaml(text, what) {
    const lineCounter = new dist/* LineCounter */.HN();
    const pre = prescanDepth(text);
    if (pre)
        return { lineCounter, issues: [pre] };
    const doc = (0,dist/* parseDocument */.Tp)(text, {
        lineCounter,
        prettyErrors: false,
        uniqueKeys: true,
        logLevel: 'silent',
        // YAML 1.2 core schema: no timestamps or binary, so every value maps to plain JSON types.
        version: '1.2'
    });
    const issues = [];
    for (const err of doc.errors) {
        const pos = position(lineCounter, err.pos[0]);
        issues.push({
            ...pos,
            path: pathNear(doc, err.pos[0]),
            message: `invalid YAML: ${err.message.split('\n')[0] ?? err.message}`,
            fix: `fix the ${what}'s YAML syntax at this line`
        });
    }
    if (issues.length > 0)
        return { doc, lineCounter, issues };
    const deepNode = tooDeep(doc);
    if (deepNode) {
        const d = deep(1, 1);
        return { doc, lineCounter, issues: [{ ...d, ...position(lineCounter, deepNode.range?.[0] ?? 0) }] };
    }
    let value;
    try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        issues.push({
            line: 1,
            column: 1,
            path: [],
            message: /alias/i.test(msg)
                ? `too many YAML aliases (${msg}); refused as a possible resource-exhaustion ("billion laughs") attack`
                : `cannot read the YAML: ${msg}`,
            fix: /alias/i.test(msg)
                ? 'write the values out instead of expanding anchors (&a / *a) repeatedly'
                : `check the ${what}`
        });
        return { doc, lineCounter, issues };
    }
    return { doc, lineCounter, value, issues };
}
/**
 * Position of the node at `path` (or of the key itself when `key` is set, for unknown-key errors). Falls back to the
 * deepest ancestor that exists, so a missing field points at the mapping that lacks it.
 */
function locate(parsed, path, key = false) {
    const { doc, lineCounter } = parsed;
    if (!doc)
        return { line: 1, column: 1 };
    let node = doc.contents;
    let offset = doc.contents?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
        const seg = path[i];
        if ((0,dist/* isAlias */.Vj)(node))
            node = node.resolve(doc);
        let next;
        if ((0,dist/* isMap */.jh)(node)) {
            const pair = node.items.find((p) => (0,dist/* isScalar */.jn)(p.key) && String(p.key.value) === String(seg));
            if (!pair)
                break;
            const last = i === path.length - 1;
            if (last && key) {
                next = pair.key;
            }
            else {
                next = pair.value ?? pair.key;
                // `key:` with no value: point at the key.
                if ((0,dist/* isScalar */.jn)(next) && next.value === null && next.range && (0,dist/* isScalar */.jn)(pair.key) && pair.key.range) {
                    if (next.range[0] <= pair.key.range[0])
                        next = pair.key;
                }
            }
        }
        else if ((0,dist/* isSeq */.oP)(node) && typeof seg === 'number') {
            next = node.items[seg];
        }
        else
            break;
        if (!next)
            break;
        node = next;
        const r = node.range;
        if (r)
            offset = r[0];
    }
    return position(lineCounter, offset);
}
/**
 * Field path of the innermost block mapping/sequence entry containing `offset` (used to name the field that holds a
 * placeholder). Flow collections are not entered: `{{x}}` unquoted parses as one and is the value itself.
 */
function pathAt(doc, offset) {
    const path = [];
    let node = doc.contents;
    const within = (n) => {
        const r = n?.range;
        return !!r && offset >= r[0] && offset < Math.max(r[2], r[1]);
    };
    for (let guard = 0; guard < MAX_DEPTH * 2; guard++) {
        if ((0,dist/* isMap */.jh)(node) && !node.flow) {
            const pair = node.items.find((p) => within(p.value) || within(p.key));
            if (!pair || !(0,dist/* isScalar */.jn)(pair.key))
                break;
            path.push(String(pair.key.value));
            node = pair.value;
        }
        else if ((0,dist/* isSeq */.oP)(node) && !node.flow) {
            const i = node.items.findIndex((n) => within(n));
            if (i < 0)
                break;
            path.push(i);
            node = node.items[i];
        }
        else
            break;
    }
    return path;
}
/**
 * Field path of the nearest entry enclosing `offset`, for YAML syntax errors: the parser still builds a (partial)
 * document, and the error's offset falls inside, or right at the end of, the entry it is about (an unclosed `[` is
 * reported where the next line starts, which is where the `flows:` entry ends). Enters flow collections too, but
 * stops at scalars inside sequences: the result names a key (`stages[1].flows`), not a list element.
 */
function pathNear(doc, offset) {
    const path = [];
    const span = (n) => {
        const r = n?.range;
        return r ? [r[0], Math.max(r[1], r[2])] : undefined;
    };
    const covers = (start, end) => start !== undefined && end !== undefined && start <= offset && offset <= end;
    let node = doc.contents;
    for (let guard = 0; guard < MAX_DEPTH * 2; guard++) {
        if ((0,dist/* isMap */.jh)(node)) {
            const pair = node.items.find((p) => covers(span(p.key)?.[0], (span(p.value) ?? span(p.key))?.[1]));
            if (!pair || !(0,dist/* isScalar */.jn)(pair.key))
                break;
            path.push(String(pair.key.value));
            node = pair.value;
        }
        else if ((0,dist/* isSeq */.oP)(node)) {
            const i = node.items.findIndex((n) => ((0,dist/* isMap */.jh)(n) || (0,dist/* isSeq */.oP)(n)) && covers(span(n)?.[0], span(n)?.[1]));
            if (i < 0)
                break;
            path.push(i);
            node = node.items[i];
        }
        else
            break;
    }
    return path;
}
/** The field path of an issue about the document as a whole or at a position with no enclosing key. */
const DOCUMENT_PATH = '(document)';
/** formatPath, or `(document)` when the path is empty (a title such as `Flow Release: <path>` never dangles). */
function documentPath(path) {
    return formatPath(path) || DOCUMENT_PATH;
}
function positionOf(parsed, offset) {
    return position(parsed.lineCounter, offset);
}
/** `stages[1].checks[0]`, `checks.callback-smoke.timeout`, `checks["my check"].kind`. */
function formatPath(path) {
    let out = '';
    for (const seg of path) {
        if (typeof seg === 'number')
            out += `[${seg}]`;
        else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg))
            out += out ? `.${seg}` : seg;
        else
            out += `[${JSON.stringify(seg)}]`;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/manifest/issues.ts



/** `file:line:col: path: message (fix: ...)` — the form editors and GitHub problem matchers understand. */
function formatIssue(issue) {
    const where = `${issue.file}:${issue.line}:${issue.column}`;
    const field = issue.path ? `${issue.path}: ` : '';
    return `${where}: ${field}${issue.message}${issue.fix ? ` (fix: ${issue.fix})` : ''}`;
}
function unknownName(add, p, what, name, known, extraFix = '') {
    const hint = closest(name, known);
    const list = known.length
        ? `known ${what}s: ${known
            .slice(0, 20)
            .map((k) => `'${(0,duration/* truncate */.xv)(k, 40)}'`)
            .join(', ')}`
        : `no ${what}s are defined`;
    add(p, `unknown ${what} '${(0,duration/* truncate */.xv)(name)}'`, `${hint ? `did you mean '${hint}'? ` : ''}${extraFix ? `${extraFix}; ` : ''}${list}`);
}
function sortIssues(issues) {
    const seen = new Set();
    return issues
        .filter((i) => {
        const k = formatIssue(i);
        if (seen.has(k))
            return false;
        seen.add(k);
        return true;
    })
        .sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : 0));
}
/** The schema definition at `path`, to list the allowed keys of the object that has an unknown one. */
function defAt(schema, p) {
    let def = schema._zod.def;
    const unwrap = () => {
        for (let guard = 0; def && guard < 10; guard++) {
            if (def.innerType)
                def = def.innerType._zod.def;
            else if (def.type === 'pipe' && def.in)
                def = def.in._zod.def;
            else
                break;
        }
    };
    unwrap();
    for (const seg of p) {
        if (!def)
            return undefined;
        if (def.type === 'object' && def.shape)
            def = def.shape[String(seg)]?._zod.def;
        else if (def.type === 'array' && def.element)
            def = def.element._zod.def;
        else if (def.type === 'record' && def.valueType)
            def = def.valueType._zod.def;
        else
            return undefined;
        unwrap();
    }
    return def;
}
function article(expected) {
    const map = {
        string: 'a string',
        number: 'a number',
        boolean: 'true or false',
        array: 'a list',
        object: 'a mapping',
        record: 'a mapping'
    };
    return map[expected] ?? expected;
}
function reportZod(error, base, schema, add) {
    for (const issue of error.issues) {
        const rel = issue.path.filter((s) => typeof s !== 'symbol');
        const p = [...base, ...rel];
        const last = rel[rel.length - 1];
        const input = issue.input;
        switch (issue.code) {
            case 'unrecognized_keys': {
                const allowed = Object.keys(defAt(schema, rel)?.shape ?? {});
                for (const key of issue.keys) {
                    const hint = closest(key, allowed);
                    add([...p, key], `unknown key '${(0,duration/* truncate */.xv)(key)}'`, `${hint ? `did you mean '${hint}'? ` : ''}allowed keys: ${allowed.join(', ')}`, { key: true });
                }
                break;
            }
            case 'invalid_type': {
                if (input === undefined) {
                    add(p, `${typeof last === 'string' ? `'${last}'` : 'a value'} is required`, `add ${typeof last === 'string' ? `${last}: ` : ''}${article(issue.expected)}`);
                }
                else {
                    add(p, `expected ${article(issue.expected)}, got ${(0,duration/* describe */.q0)(input)}`, `set ${typeof last === 'string' ? last : 'it'} to ${article(issue.expected)}`);
                }
                break;
            }
            case 'invalid_value': {
                const values = issue.values.map((v) => String(v));
                if (input === undefined) {
                    add(p, `'${String(last)}' is required`, `add ${String(last)}: ${values.join(' | ')}`);
                    break;
                }
                const hint = typeof input === 'string' ? closest(input, values) : undefined;
                add(p, `must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`} (got ${(0,duration/* describe */.q0)(input)})`, hint ? `did you mean '${hint}'?` : `use ${values.join(' | ')}`);
                break;
            }
            case 'custom': {
                const fix = issue.params?.fix ?? 'see the manifest format in the README';
                add(p, issue.message, fix);
                break;
            }
            case 'too_small':
            case 'too_big': {
                const bound = issue.code === 'too_big' ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
                const unit = issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : '';
                add(p, issue.message, `use ${issue.origin === 'number' ? 'a value' : 'a length of'} ${bound}${unit}`);
                break;
            }
            default:
                add(p, issue.message, `correct ${formatPath(p) || 'the value'} (see the manifest format in the README)`);
        }
    }
}

;// CONCATENATED MODULE: ./src/manifest/checks.ts
// The `checks:` of the manifest, each validated by its kind (src/checks/registry.ts): the kind's schema, its spec
// with its defaults, and its references to the rest of the manifest.





function validateChecks(m, flows) {
    const t = { names: [], specs: {} };
    if (!isRecord(m.root.checks))
        return t;
    t.names = Object.keys(m.root.checks);
    for (const [name, item] of Object.entries(m.root.checks)) {
        const spec = validateCheck(m, flows, name, item);
        if (spec)
            t.specs[name] = spec;
    }
    return t;
}
function validateCheck(m, flows, name, item) {
    const base = ['checks', name];
    const kinds = (0,registry/* checkKindNames */.N1)();
    if (!isRecord(item)) {
        m.add(base, `check '${name}' must be a mapping, got ${(0,duration/* describe */.q0)(item)}`, `give it a kind: ${kinds.join(' | ')} and its settings`);
        return undefined;
    }
    const kind = typeof item.kind === 'string' ? (0,registry/* findCheckKind */.m8)(item.kind) : undefined;
    if (!kind) {
        const hint = typeof item.kind === 'string' ? closest(item.kind, kinds) : undefined;
        m.add(item.kind === undefined ? base : [...base, 'kind'], item.kind === undefined ? `check '${name}' has no kind` : `unknown check kind ${(0,duration/* describe */.q0)(item.kind)}`, `${hint ? `did you mean '${hint}'? ` : ''}kind is one of ${kinds.join(', ')}`);
        return undefined;
    }
    const r = kind.schema.safeParse(item, { reportInput: true });
    if (!r.success) {
        reportZod(r.error, base, kind.schema, m.add);
        return undefined;
    }
    const spec = kind.toSpec(name, r.data);
    return kind.validate ? kind.validate(spec, view(m, flows, base)) : spec;
}
/** The rest of the manifest as a check kind sees it while it validates one check. */
function view(m, flows, base) {
    const valid = new Map(flows.valid.map((f) => [f.name, f]));
    return {
        path: base,
        builtins: m.opts.builtins,
        report: (field, message, fix) => m.add([...base, ...field], message, fix),
        flow: (field, flowName) => {
            const f = valid.get(flowName);
            if (f)
                return { name: f.name, type: f.type };
            if (!flows.index.has(flowName) && !flows.broken.has(flowName))
                unknownName(m.add, [...base, ...field], 'flow', flowName, [...flows.index.keys()]);
            return undefined;
        }
    };
}

;// CONCATENATED MODULE: ./src/manifest/defaults.ts
const DEFAULTS = {
    /** The one stage of a manifest without `stages:`, holding every flow. */
    stageName: 'release',
    bakeMs: 0,
    /** Check rounds come every min(bake, this) when `check-interval` is omitted. */
    checkIntervalMs: 30_000,
    /** Check rounds never come more often than this (also the floor of `check-interval`). */
    minCheckIntervalMs: 1000,
    // 16 flows at once keeps a 50-flow release within 10% of the platform floor (npm run bench); requests are paced
    // below the 300/min per-token limit whatever the concurrency, so a higher value never trips it.
    concurrency: 16,
    jobTimeoutMs: 16 * 60_000,
    forceUnlock: false,
    rollback: { automatic: true, newFlows: 'delete' },
    artifacts: { dir: 'genesys/published', message: 'release: {{release}} [skip ci]' }
};
/**
 * The interval the bake runs its checks at: `check-interval`, else min(bake, 30 s); never beyond the bake (the last
 * round comes at its end) and never below 1 s (a bake of 0 runs its checks once).
 */
function checkIntervalMs(bakeMs, configuredMs) {
    const interval = configuredMs ?? (Math.min(bakeMs, DEFAULTS.checkIntervalMs) || DEFAULTS.minCheckIntervalMs);
    return Math.max(DEFAULTS.minCheckIntervalMs, bakeMs > 0 ? Math.min(interval, bakeMs) : interval);
}
function stageWithDefaults(s) {
    const bakeMs = s.bake ?? DEFAULTS.bakeMs;
    return {
        name: s.name,
        flows: s.flows,
        bakeMs,
        checkIntervalMs: checkIntervalMs(bakeMs, s['check-interval']),
        checks: s.checks ?? []
    };
}
/** A manifest without `stages:` releases every flow in one stage, without bake or checks. */
function defaultStage(flows) {
    return stageWithDefaults({ name: DEFAULTS.stageName, flows: flows.map((f) => f.name) });
}
function manifestWithDefaults(path, t, parts) {
    return {
        version: 1,
        path,
        ...parts,
        rollback: {
            automatic: t.rollback?.automatic ?? DEFAULTS.rollback.automatic,
            newFlows: t.rollback?.['new-flows'] ?? DEFAULTS.rollback.newFlows
        },
        artifacts: {
            dir: t.artifacts?.dir ?? DEFAULTS.artifacts.dir,
            message: t.artifacts?.message ?? DEFAULTS.artifacts.message
        },
        jobTimeoutMs: t['job-timeout'] ?? DEFAULTS.jobTimeoutMs,
        concurrency: t.concurrency ?? DEFAULTS.concurrency,
        ...(t.retired?.length ? { retired: t.retired.map((r) => ({ name: r.name, type: r.type })) } : {})
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/fields/placeholders.ts
var placeholders = __webpack_require__(5659);
;// CONCATENATED MODULE: ./src/manifest/flow-file.ts
// Reading one flow file referenced by the manifest: confinement to the workspace, size limits, `{{placeholder}}`
// substitution and the Archy checks (one top-level key naming the flow type, a `name` equal to the manifest's).







/** The platform's maximum request size; the upload is exactly the substituted bytes. */
const MAX_FLOW_BYTES = 512_000;
/** Refuse to even read files far beyond any plausible flow (bounded memory). */
const MAX_RAW_FLOW_BYTES = 2 * 1024 * 1024;
/** Names of the action's built-in placeholders: filled in check inputs and the commit message, never in flow files. */
const BUILT_IN_NAMES = new Set(['run', 'release', 'sha']);
/**
 * Resolves `ref` inside `workspace`, refusing traversal, absolute paths elsewhere and symlinks that lead out.
 * Returns a message + fix on refusal.
 */
async function resolveInside(workspace, ref) {
    if (ref.includes('\0'))
        return { ok: false, message: 'the path contains a NUL byte', fix: 'remove it' };
    const ws = external_node_path_default().resolve(workspace);
    const absolute = external_node_path_default().resolve(ws, ref);
    const outside = (root, p) => {
        const rel = external_node_path_default().relative(root, p);
        return rel === '' ? false : rel.startsWith('..') || external_node_path_default().isAbsolute(rel);
    };
    if (outside(ws, absolute)) {
        return {
            ok: false,
            message: `'${(0,duration/* truncate */.xv)(ref)}' is outside the workspace`,
            fix: 'reference a file inside the repository with a relative path such as flows/my-flow.yaml'
        };
    }
    let real;
    let realWs;
    try {
        realWs = await external_node_fs_.promises.realpath(ws);
        real = await external_node_fs_.promises.realpath(absolute);
    }
    catch (e) {
        const code = e.code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
            return {
                ok: false,
                message: `file '${(0,duration/* truncate */.xv)(ref)}' does not exist`,
                fix: 'check the path (relative to the repository root) and that the file is committed'
            };
        }
        if (code === 'ELOOP')
            return { ok: false, message: `'${(0,duration/* truncate */.xv)(ref)}' is a symlink loop`, fix: 'point it at a real file' };
        return {
            ok: false,
            message: `cannot access '${(0,duration/* truncate */.xv)(ref)}' (${code ?? 'error'})`,
            fix: 'check the file permissions'
        };
    }
    if (outside(realWs, real)) {
        return {
            ok: false,
            message: `'${(0,duration/* truncate */.xv)(ref)}' is a symlink that resolves outside the workspace`,
            fix: 'replace the symlink with the file itself, inside the repository'
        };
    }
    return { ok: true, absolute: real };
}
async function loadFlowFile(req) {
    const raw = await readFlowFile(req);
    if (typeof raw !== 'string')
        return raw;
    const at = issueAt(req);
    const content = substitute(req, raw, at);
    if (typeof content !== 'string')
        return content;
    const parsed = parseYaml(content, 'flow file');
    const issues = parsed.issues.map((i) => at(i.line, i.column, documentPath(i.path), i.message, i.fix));
    if (issues.length === 0)
        issues.push(...archyIssues(req, parsed, at));
    if (issues.length > 0)
        return { issues };
    return { content, contentHash: (0,external_node_crypto_.createHash)('sha256').update(content, 'utf8').digest('hex'), issues };
}
function label(req) {
    return `flow '${(0,duration/* truncate */.xv)(req.flowName, 80)}'`;
}
/** An issue inside the flow file. */
function issueAt(req) {
    return (line, column, p, message, fix) => ({
        file: req.displayFile,
        line,
        column,
        path: p,
        message: `${label(req)}: ${message}`,
        fix
    });
}
/** The file's text, or an issue about the manifest's reference to it (missing, outside, not a file, too big). */
async function readFlowFile(req) {
    const refIssue = (message, fix) => ({
        issues: [{ file: req.manifestFile, ...req.manifestRef, message: `${label(req)}: ${message}`, fix }]
    });
    const resolved = await resolveInside(req.workspace, req.file);
    if (!resolved.ok)
        return refIssue(resolved.message, resolved.fix);
    const stat = await external_node_fs_.promises.stat(resolved.absolute);
    if (!stat.isFile())
        return refIssue(`'${(0,duration/* truncate */.xv)(req.file)}' is not a regular file`, 'reference an Archy YAML file');
    if (stat.size > MAX_RAW_FLOW_BYTES) {
        return refIssue(`'${(0,duration/* truncate */.xv)(req.file)}' is ${stat.size} bytes; the platform accepts at most ${MAX_FLOW_BYTES}`, 'split the flow (e.g. move shared logic into a common module)');
    }
    return external_node_fs_.promises.readFile(resolved.absolute, 'utf8');
}
/** The text with every placeholder replaced, or an issue per undefined placeholder (or for the size after). */
function substitute(req, raw, at) {
    const issues = [];
    // Placeholders are located in the raw file so each issue points at the line the user wrote.
    const rawParsed = parseYaml(raw, 'flow file');
    const values = { ...req.substitutions };
    for (const m of raw.matchAll(placeholders/* PLACEHOLDER */.K)) {
        const key = m[1] ?? '';
        if (Object.hasOwn(values, key))
            continue;
        const pos = positionOf(rawParsed, m.index);
        const fieldPath = rawParsed.doc && rawParsed.issues.length === 0 ? formatPath(pathAt(rawParsed.doc, m.index)) : '';
        const known = Object.keys(values);
        issues.push(at(pos.line, pos.column, fieldPath, `placeholder {{${key}}} is not defined`, `add '${key}: <value>' to this flow's substitutions in ${req.manifestFile}` +
            (known.length ? ` (defined: ${known.slice(0, 20).join(', ')})` : '') +
            (BUILT_IN_NAMES.has(key)
                ? `; {{${key}}} is a built-in of check inputs only, never filled in a flow file`
                : '')));
    }
    if (issues.length > 0)
        return { issues };
    const content = raw.replace(placeholders/* PLACEHOLDER */.K, (whole, key) => Object.hasOwn(values, key) ? (values[key] ?? whole) : whole);
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > MAX_FLOW_BYTES) {
        return {
            issues: [
                at(1, 1, '', `is ${bytes} bytes after substitution; the platform accepts at most ${MAX_FLOW_BYTES}`, 'split the flow (e.g. move shared logic into a common module) or shorten substituted values')
            ]
        };
    }
    return content;
}
/** Archy: one top-level key naming the manifest's flow type, holding a mapping whose name is the manifest's. */
function archyIssues(req, parsed, at) {
    const value = parsed.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return [
            at(1, 1, '', 'is not an Archy flow: expected a mapping with one top-level key naming the flow type', `start the file with the flow type key for type ${req.flowType}, e.g. '${exampleKey(req.flowType)}:'`)
        ];
    }
    const keys = Object.keys(value);
    if (keys.length !== 1) {
        const pos = locate(parsed, [keys[1] ?? ''], true);
        return [
            at(keys.length ? pos.line : 1, keys.length ? pos.column : 1, keys[1] ?? '', `has ${keys.length} top-level keys (${keys.slice(0, 5).join(', ')}); an Archy flow file has exactly one, naming the flow type`, 'keep one flow per file under a single key such as inboundCall: or workflow:')
        ];
    }
    const key = keys[0] ?? '';
    const issues = typeKeyIssues(req, parsed, key, at);
    const body = value[key];
    const keyPos = locate(parsed, [key], true);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        issues.push(at(keyPos.line, keyPos.column, key, `'${(0,duration/* truncate */.xv)(key)}' must be a mapping with the flow's name and settings`, 'add the flow body (name, division, startUpRef, ...) under the key'));
        return issues;
    }
    return [...issues, ...nameIssues(req, parsed, key, body.name, at)];
}
function typeKeyIssues(req, parsed, key, at) {
    const fileType = typeForArchyKey(key);
    if (fileType === req.flowType)
        return [];
    const keyPos = locate(parsed, [key], true);
    const issue = (message, fix) => [at(keyPos.line, keyPos.column, key, message, fix)];
    const expected = exampleKey(req.flowType);
    if (fileType) {
        return issue(`the file holds a flow of type ${fileType} (top-level key '${key}') but the manifest says type: ${req.flowType}`, `set type: ${fileType} in the manifest, or reference the ${req.flowType} flow's file (its key is '${expected}:')`);
    }
    const meant = intendedArchyKey(key);
    return issue(`top-level key '${(0,duration/* truncate */.xv)(key)}' is not an Archy flow type` +
        (meant ? ` (Archy writes '${meant}', case-sensitive)` : ''), meant
        ? `rename the key to '${meant}:'` +
            (meant === expected ? '' : ` (the manifest's type ${req.flowType} is written '${expected}:')`)
        : `use the Archy key for type ${req.flowType}: '${expected}:'`);
}
function nameIssues(req, parsed, key, fileName, at) {
    if (typeof fileName !== 'string' || fileName.trim() === '') {
        const keyPos = locate(parsed, [key], true);
        return [
            at(keyPos.line, keyPos.column, `${key}.name`, 'has no name', `add 'name: ${(0,duration/* truncate */.xv)(req.flowName)}' under '${key}:'`)
        ];
    }
    if (fileName === req.flowName)
        return [];
    const pos = locate(parsed, [key, 'name']);
    return [
        at(pos.line, pos.column, `${key}.name`, `the file's name '${(0,duration/* truncate */.xv)(fileName)}' differs from the manifest's name '${(0,duration/* truncate */.xv)(req.flowName)}'`, 'make the two names identical (the manifest name is the exact Genesys flow name)')
    ];
}
function exampleKey(type) {
    return archyKeyForType(type) ?? type;
}

// EXTERNAL MODULE: ./src/fields/schema.ts
var schema = __webpack_require__(61426);
;// CONCATENATED MODULE: ./src/manifest/paths.ts
// Checks on the paths a manifest gives (the artifacts directory, flow file references). They run in the loader, so a
// path that git would read as an option (`--upload-pack=…`, `-rf`), that points into `.git` or that carries control
// characters is refused before anything touches the org. The artifacts directory rules are at least as strict as
// the committer's (src/git/committer.ts validateRelativePath): a manifest that validates can always be committed.



/** C0 control characters and DEL (written as a loop: eslint forbids control characters in regexes). */
function hasControlChars(s) {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 32 || c === 127)
            return true;
    }
    return false;
}
/** A user value inside a message: quoted, one line, short, control characters escaped (never raw in a log line). */
function show(value) {
    const escaped = JSON.stringify(value).slice(1, -1);
    return `'${(0,duration/* truncate */.xv)(escaped, 80)}'`;
}
/** `.git`, and the forms Windows and macOS file systems treat as the same name (`.GIT`, `.git.`, `.git `). */
function isGitSegment(seg) {
    return /^\.git[. ]*$/i.test(seg);
}
function segments(p) {
    return p.split(/[\\/]/);
}
/** `(…)` naming the segment that starts with `-`, or undefined when none does. */
function dashSegment(p) {
    const seg = segments(p).find((s) => s.startsWith('-'));
    if (seg === undefined)
        return undefined;
    return seg === p ? '' : ` (${show(seg)})`;
}
/** Problems with `artifacts.dir`, or undefined when the committer can use it. */
function checkArtifactsDir(dir, workspace) {
    const what = `artifacts directory ${show(dir)}`;
    const example = `use a relative path such as ${DEFAULTS.artifacts.dir}`;
    if (hasControlChars(dir)) {
        return {
            message: `${what} contains a control character (newline, tab, NUL, ...)`,
            fix: `remove it; ${example}`
        };
    }
    const dash = dashSegment(dir);
    if (dash !== undefined) {
        return {
            message: `${what} has a path segment starting with '-'${dash}, which git would read as an option`,
            fix: `rename the directory so that no segment starts with '-'; ${example}`
        };
    }
    if (dir.includes('\\')) {
        return { message: `${what} contains a backslash`, fix: `separate directories with '/'; ${example}` };
    }
    const trimmed = dir.replace(/\/+$/, '');
    const rel = external_node_path_default().relative(workspace, external_node_path_default().resolve(workspace, trimmed));
    if (external_node_path_default().isAbsolute(dir) ||
        /^[A-Za-z]:/.test(dir) ||
        segments(trimmed).includes('..') ||
        rel === '' ||
        rel.startsWith('..') ||
        external_node_path_default().isAbsolute(rel)) {
        return { message: `${what} is not a subdirectory of the repository`, fix: example };
    }
    if (dir.includes('..')) {
        return { message: `${what} contains '..'`, fix: `rename the directory; ${example}` };
    }
    if (segments(trimmed).some((s) => s === '' || s === '.')) {
        return {
            message: `${what} has an empty or '.' path segment`,
            fix: `write it without './' or '//', e.g. ${DEFAULTS.artifacts.dir}`
        };
    }
    if (segments(trimmed).some(isGitSegment)) {
        return {
            message: `${what} points into a .git directory`,
            fix: `keep the exports in the working tree; ${example}`
        };
    }
    return undefined;
}
/** Problems with a flow's `file:` that are about the text of the path (existence and confinement come later). */
function checkFlowFilePath(file) {
    const what = `file path ${show(file)}`;
    if (hasControlChars(file)) {
        return {
            message: `${what} contains a control character (newline, tab, NUL, ...)`,
            fix: 'reference the file with a plain relative path such as flows/my-flow.yaml'
        };
    }
    const dash = dashSegment(file);
    if (dash !== undefined) {
        return {
            message: `${what} has a path segment starting with '-'${dash}, which git and other tools read as an option`,
            fix: "rename the file or directory so that no segment starts with '-', e.g. flows/my-flow.yaml"
        };
    }
    if (segments(file).some(isGitSegment)) {
        return {
            message: `${what} points into a .git directory`,
            fix: 'reference a flow file of the working tree, e.g. flows/my-flow.yaml'
        };
    }
    return undefined;
}
/** Genesys Cloud flow names: no path separators or control characters, at most 200 characters. */
const MAX_FLOW_NAME_LENGTH = 200;
function checkFlowName(name) {
    const fix = 'use the exact Genesys Cloud flow name, e.g. Support IVR - EU';
    if (hasControlChars(name)) {
        return {
            message: `flow name ${show(name)} contains a control character (newline, tab, ...); Genesys Cloud flow names cannot`,
            fix
        };
    }
    const sep = ['/', '\\'].find((c) => name.includes(c));
    if (sep !== undefined) {
        return {
            message: `flow name ${show(name)} contains '${sep}'; Genesys Cloud flow names cannot contain / or \\`,
            fix: `rename the flow here and in Genesys Cloud, e.g. ${show(name.split(sep).join(' - '))}`
        };
    }
    if (name.length > MAX_FLOW_NAME_LENGTH) {
        return {
            message: `flow name ${show(name)} is ${name.length} characters; Genesys Cloud flow names have at most ${MAX_FLOW_NAME_LENGTH}`,
            fix: 'shorten the name (here and in Architect)'
        };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/manifest/schema.ts
// The manifest's YAML shape in zod (kebab-case keys, exactly as users write them). Objects are strict: an unknown key
// is an error that names the key, so a typo such as `bake-time:` never silently falls back to a default.
// Checks are validated per kind, each by its own schema (src/checks/kinds/), so a wrong `kind` gets one clear issue
// instead of a union dump; here a check is only a named mapping.





/** A flow's own name: the exact Genesys Cloud name, which also becomes the exported file's name. */
const flowName = schemas/* string */.YjP()
    .trim()
    .min(1, 'must not be empty')
    .superRefine((s, ctx) => {
    const problem = checkFlowName(s);
    if (problem)
        (0,schema/* custom */.Ie)(ctx, problem.message, problem.fix);
});
const scalarValue = schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig(), schemas/* boolean */.zMY()]).transform((v) => String(v));
const flowSchema = schemas/* strictObject */.rej({
    name: flowName,
    type: schemas/* enum */.k5n(FLOW_TYPES),
    file: schemas/* string */.YjP()
        .min(1, 'must not be empty')
        .superRefine((s, ctx) => {
        const problem = checkFlowFilePath(s);
        if (problem)
            (0,schema/* custom */.Ie)(ctx, problem.message, problem.fix);
    })
        .optional(),
    source: schemas/* enum */.k5n(['draft', 'file']).optional(),
    substitutions: schemas/* record */.g1P(schemas/* string */.YjP()
        .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'substitution keys are letters, digits, _ . - (start with a letter)'), scalarValue)
        .optional(),
    'force-unlock': schemas/* boolean */.zMY().optional()
});
const stageSchema = schemas/* strictObject */.rej({
    name: schema/* name */.UU,
    flows: schemas/* array */.YOg(schema/* name */.UU).min(1, 'a stage needs at least one flow'),
    bake: (0,schema/* durationWithin */.oe)(0, 24 * 3_600_000, 'bake').optional(),
    'check-interval': (0,schema/* durationWithin */.oe)(DEFAULTS.minCheckIntervalMs, 24 * 3_600_000, 'check-interval').optional(),
    checks: schemas/* array */.YOg(schema/* name */.UU).optional()
});
const MIN_CONCURRENCY = 1;
const MAX_CONCURRENCY = 32;
const manifestSchema = schemas/* strictObject */.rej({
    version: schemas/* literal */.euz(1),
    flows: schemas/* array */.YOg(schemas/* unknown */.L5J()).min(1, 'list at least one flow'),
    stages: schemas/* array */.YOg(schemas/* unknown */.L5J())
        .min(1, 'list at least one stage, or omit stages to release every flow at once')
        .optional(),
    checks: schemas/* record */.g1P(schema/* name */.UU, schemas/* unknown */.L5J()).optional(),
    rollback: schemas/* strictObject */.rej({ automatic: schemas/* boolean */.zMY().optional(), 'new-flows': schemas/* enum */.k5n(['delete', 'keep']).optional() })
        .optional(),
    artifacts: schemas/* strictObject */.rej({
        dir: schemas/* string */.YjP().min(1, 'must not be empty').optional(),
        message: schemas/* string */.YjP()
            .max(500)
            .superRefine((s, ctx) => {
            if (s.trim() === '')
                (0,schema/* custom */.Ie)(ctx, 'must not be empty or blank', 'write a commit message such as "release: {{release}}", or omit it');
        })
            .optional()
    })
        .optional(),
    concurrency: schemas/* number */.aig()
        .superRefine((n, ctx) => {
        if (!Number.isInteger(n) || n < MIN_CONCURRENCY || n > MAX_CONCURRENCY) {
            (0,schema/* custom */.Ie)(ctx, `must be a whole number from ${MIN_CONCURRENCY} to ${MAX_CONCURRENCY} (got ${n}); the default is ${DEFAULTS.concurrency}`, `set concurrency to ${MIN_CONCURRENCY}..${MAX_CONCURRENCY} (flows published at once within a stage; requests are paced below the API rate limit at any value), or omit it`);
        }
    })
        .optional(),
    'job-timeout': (0,schema/* durationWithin */.oe)(10_000, 6 * 3_600_000, 'job-timeout').optional(),
    /** Flows no longer managed here, to delete from the org after everything else succeeded (restorable from the ledger). */
    retired: schemas/* array */.YOg(schemas/* strictObject */.rej({ name: schema/* name */.UU, type: schemas/* enum */.k5n(FLOW_TYPES) })).optional()
});

;// CONCATENATED MODULE: ./src/manifest/flows.ts
// The `flows:` of the manifest: each item's shape and rules (file xor draft, substitutions), names unique; then each
// file flow's file read, substituted and checked as Archy (flow-file.ts).








function validateFlows(m) {
    const items = Array.isArray(m.root.flows) ? m.root.flows : [];
    const t = { items, valid: [], index: new Map(), broken: new Set() };
    items.forEach((item, i) => {
        const renamed = renamedType(m, item, i);
        const r = flowSchema.safeParse(renamed ? { ...item, type: renamed } : item, { reportInput: true });
        if (!r.success || renamed) {
            if (!r.success)
                reportZod(r.error, ['flows', i], flowSchema, m.add);
            if (isRecord(item) && typeof item.name === 'string')
                t.broken.add(item.name.trim());
            return;
        }
        const f = r.data;
        const ok = flowRules(m, f, i);
        if (t.index.has(f.name)) {
            m.add(['flows', i, 'name'], `duplicate flow name '${f.name}' (also flows[${t.index.get(f.name)}])`, 'each flow appears once; stages refer to flows by name');
            return;
        }
        t.index.set(f.name, t.valid.length);
        if (ok)
            t.valid.push(f);
        else
            t.broken.add(f.name);
    });
    return t;
}
/**
 * A `type:` the manifest once accepted under another name (`inqueueemailflow`): one issue saying what to write now,
 * never a silent alias. Returns the new name so the rest of the item is still checked.
 */
function renamedType(m, item, i) {
    if (!isRecord(item) || typeof item.type !== 'string' || !Object.hasOwn(RENAMED_FLOW_TYPES, item.type))
        return undefined;
    const now = RENAMED_FLOW_TYPES[item.type];
    m.add(['flows', i, 'type'], `type ${item.type} is now ${now}`, `write type: ${now} (the API's type filter value; ${item.type.toUpperCase()} is only a dependency-tracking type)`);
    return now;
}
/** The rules zod cannot express for one flow; false when one is broken. */
function flowRules(m, f, i) {
    let ok = true;
    if (f.file !== undefined && f.source === 'draft') {
        m.add(['flows', i, 'source'], `flow '${f.name}' has both file: and source: draft`, 'use file: to publish a YAML file, or source: draft (without file:) to promote the checked-in draft');
        ok = false;
    }
    else if (f.file === undefined && f.source !== 'draft') {
        m.add(['flows', i], `flow '${f.name}' needs either file: <path> or source: draft`, 'add file: flows/<name>.yaml (Archy YAML in this repository), or source: draft');
        ok = false;
    }
    if (f.substitutions && f.file === undefined) {
        m.add(['flows', i, 'substitutions'], `flow '${f.name}': substitutions only apply to file flows`, 'remove substitutions, or publish from a file');
        ok = false;
    }
    for (const [k, v] of Object.entries(f.substitutions ?? {})) {
        if (/[\r\n]/.test(v)) {
            m.add(['flows', i, 'substitutions', k], `substitution '${k}' contains a line break`, 'substitution values are single-line (a line break would change the YAML structure of the flow file)');
            ok = false;
        }
    }
    return ok;
}
/** The position of the first item named `name` (for issues about a flow found by name). */
function itemIndex(t, name) {
    return t.items.findIndex((x) => isRecord(x) && typeof x.name === 'string' && x.name.trim() === name);
}
/** Flow files: existence, confinement, placeholders, size, Archy type key and name. */
async function resolveFlows(m, t) {
    const specs = [];
    for (const f of t.valid) {
        const forceUnlock = f['force-unlock'] ?? DEFAULTS.forceUnlock;
        if (f.file === undefined) {
            specs.push({ name: f.name, type: f.type, source: 'draft', forceUnlock });
            continue;
        }
        const refPath = ['flows', itemIndex(t, f.name), 'file'];
        const fileAbs = external_node_path_default().resolve(m.workspace, f.file);
        const rel = external_node_path_default().relative(m.workspace, fileAbs);
        const substitutions = f.substitutions ?? {};
        const r = await loadFlowFile({
            workspace: m.workspace,
            file: f.file,
            displayFile: rel.startsWith('..') || external_node_path_default().isAbsolute(rel) ? f.file : toPosix(rel),
            flowName: f.name,
            flowType: f.type,
            substitutions,
            manifestFile: m.display,
            manifestRef: { ...locate(m.parsed, refPath), path: formatPath(refPath) }
        });
        m.issues.push(...r.issues);
        if (r.content !== undefined && r.contentHash !== undefined) {
            const { content, contentHash } = r;
            specs.push({
                name: f.name,
                type: f.type,
                source: 'file',
                file: f.file,
                content,
                contentHash,
                substitutions,
                forceUnlock
            });
        }
    }
    return specs;
}

;// CONCATENATED MODULE: ./src/manifest/stages.ts




/** The stages that validated; undefined when the manifest has no `stages:` (one stage with every flow). */
function validateStages(m, flows, checkNames) {
    if (m.root.stages === undefined)
        return undefined;
    const stages = [];
    if (!Array.isArray(m.root.stages))
        return stages;
    const placed = new Map();
    const stageNames = new Map();
    const refs = (i, stageName, stageFlows, stageChecks) => {
        flowRefs(m, flows, placed, i, stageName, stageFlows);
        checkRefs(m, checkNames, i, stageChecks);
    };
    m.root.stages.forEach((item, i) => {
        const r = stageSchema.safeParse(item, { reportInput: true });
        if (!r.success) {
            reportZod(r.error, ['stages', i], stageSchema, m.add);
            // References are checked even in a stage whose shape is broken, so one bad `bake:` doesn't hide a bad name.
            if (isRecord(item))
                refs(i, typeof item.name === 'string' ? item.name : '', item.flows, item.checks);
            return;
        }
        const s = r.data;
        if (stageNames.has(s.name)) {
            m.add(['stages', i, 'name'], `duplicate stage name '${s.name}' (also stages[${stageNames.get(s.name)}])`, 'give every stage a distinct name');
        }
        else
            stageNames.set(s.name, i);
        refs(i, s.name, s.flows, s.checks);
        stages.push(s);
    });
    unplacedFlows(m, flows, placed);
    return stages;
}
/** Every flow name of stage `i` names a flow of the manifest that no earlier stage holds. */
function flowRefs(m, flows, placed, i, stageName, stageFlows) {
    if (!Array.isArray(stageFlows))
        return;
    stageFlows.forEach((raw, j) => {
        if (typeof raw !== 'string')
            return;
        const f = raw.trim();
        if (!flows.index.has(f)) {
            if (!flows.broken.has(f))
                unknownName(m.add, ['stages', i, 'flows', j], 'flow', f, [...flows.index.keys()]);
            return;
        }
        const prev = placed.get(f);
        if (prev !== undefined) {
            m.add(['stages', i, 'flows', j], `flow '${f}' is already in ${prev}`, 'list every flow in exactly one stage');
            return;
        }
        placed.set(f, `stages[${i}]${stageName ? ` '${stageName}'` : ''}`);
    });
}
function checkRefs(m, checkNames, i, stageChecks) {
    if (!Array.isArray(stageChecks))
        return;
    stageChecks.forEach((c, j) => {
        if (typeof c === 'string' && !checkNames.includes(c.trim())) {
            unknownName(m.add, ['stages', i, 'checks', j], 'check', c.trim(), checkNames, 'define it under checks:');
        }
    });
}
/** A flow that parsed but is in no stage (reported once, at its first item). */
function unplacedFlows(m, flows, placed) {
    flows.items.forEach((item, i) => {
        if (!isRecord(item) || typeof item.name !== 'string')
            return;
        const n = item.name.trim();
        if (flows.index.get(n) !== undefined && !placed.has(n) && itemIndex(flows, n) === i) {
            m.add(['flows', i, 'name'], `flow '${n}' is not in any stage`, `add '${n}' to the flows of one stage`);
        }
    });
}

;// CONCATENATED MODULE: ./src/manifest/loader.ts
// Loads and validates the release manifest and every flow file it references, before anything touches the org.
// Every problem becomes a ValidationIssue with file, line, column, field path, message and fix; all of them are
// reported at once. Hostile input (alias bombs, huge or deeply nested files, traversal, symlinks) is refused in
// bounded time and memory, and no exception escapes: anything unexpected is itself reported as an issue.














const MAX_MANIFEST_BYTES = 1024 * 1024;
async function loadManifest(opts) {
    try {
        return await load(opts);
    }
    catch (e) {
        // A bug or an environment failure must still read as a validation result, never as a stack trace.
        const message = e instanceof Error ? e.message : String(e);
        return {
            ok: false,
            issues: [
                {
                    file: String(opts?.manifestPath ?? 'manifest'),
                    line: 1,
                    column: 1,
                    path: '',
                    message: `could not validate the manifest: ${(0,duration/* truncate */.xv)(message, 200)}`,
                    fix: 'check that the manifest and its flow files are readable; report a bug if this persists'
                }
            ]
        };
    }
}
/** The phases, in order. Each reports its issues to the manifest being loaded; all of them are reported at once. */
async function load(opts) {
    const read = await readManifest(opts);
    if (!read.ok)
        return read;
    const m = parseManifest(read);
    if (!m.ok)
        return m;
    const top = manifestSchema.safeParse(m.root, { reportInput: true });
    if (!top.success)
        reportZod(top.error, [], manifestSchema, m.add);
    const flows = validateFlows(m);
    const checks = validateChecks(m, flows);
    const stages = validateStages(m, flows, checks.names);
    validateArtifactsDir(m);
    validateRetired(m);
    const flowSpecs = await resolveFlows(m, flows);
    if (m.issues.length > 0 || !top.success)
        return { ok: false, issues: sortIssues(m.issues) };
    return {
        ok: true,
        manifest: manifestWithDefaults(read.absolute, top.data, {
            flows: flowSpecs,
            stages: stages ? stages.map(stageWithDefaults) : [defaultStage(flows.valid)],
            checks: checks.specs
        })
    };
}
/** Phase 1: find the manifest inside the workspace and read it (bounded size). */
async function readManifest(opts) {
    const workspace = external_node_path_default().resolve(opts.workspace);
    const manifestAbs = external_node_path_default().resolve(workspace, opts.manifestPath);
    const relManifest = external_node_path_default().relative(workspace, manifestAbs);
    const display = relManifest && !relManifest.startsWith('..') && !external_node_path_default().isAbsolute(relManifest)
        ? toPosix(relManifest)
        : opts.manifestPath;
    const fail = (message, fix) => ({
        ok: false,
        issues: [{ file: display, line: 1, column: 1, path: '', message, fix }]
    });
    const resolved = await resolveInside(workspace, opts.manifestPath);
    if (!resolved.ok)
        return fail(`manifest: ${resolved.message}`, resolved.fix.replace('reference a file', 'keep the manifest'));
    const stat = await external_node_fs_.promises.stat(resolved.absolute);
    if (!stat.isFile())
        return fail('the manifest is not a regular file', 'point the manifest input at a YAML file');
    if (stat.size > MAX_MANIFEST_BYTES) {
        return fail(`the manifest is ${stat.size} bytes; the limit is ${MAX_MANIFEST_BYTES}`, 'a release manifest is a few kilobytes: check you referenced the right file');
    }
    const text = await external_node_fs_.promises.readFile(resolved.absolute, 'utf8');
    return { ok: true, workspace, display, absolute: resolved.absolute, text, opts };
}
/** Phase 2: parse the YAML (with positions) and require a mapping at the top. */
function parseManifest(read) {
    const parsed = parseYaml(read.text, 'manifest');
    const issues = parsed.issues.map((i) => ({
        file: read.display,
        line: i.line,
        column: i.column,
        path: documentPath(i.path),
        message: i.message,
        fix: i.fix
    }));
    if (issues.length > 0)
        return { ok: false, issues };
    const add = (p, message, fix, o) => {
        const pos = locate(parsed, p, o?.key);
        issues.push({ file: read.display, ...pos, path: formatPath(p), message, fix });
    };
    const root = parsed.value;
    if (!isRecord(root)) {
        add([], root === null || root === undefined
            ? 'the manifest is empty'
            : `the manifest must be a mapping, got ${(0,duration/* describe */.q0)(root)}`, 'start from the example in the README: version: 1, flows: [...], stages: [...]');
        return { ok: false, issues };
    }
    return { ok: true, opts: read.opts, workspace: read.workspace, display: read.display, parsed, root, issues, add };
}
/** A retired flow must not also be a flow the manifest releases. */
function validateRetired(m) {
    const retired = m.root.retired;
    const flows = m.root.flows;
    if (!Array.isArray(retired) || !Array.isArray(flows))
        return;
    const managed = new Set(flows.filter(isRecord).map((f) => `${String(f.type)}\u0000${String(f.name)}`));
    retired.forEach((r, i) => {
        if (isRecord(r) && managed.has(`${String(r.type)}\u0000${String(r.name)}`)) {
            m.add(['retired', i, 'name'], `"${String(r.name)}" is listed both under flows and under retired`, 'keep it under flows to release it, or remove it from flows to delete it from the org');
        }
    });
}
/**
 * The committer writes the artifacts directory and hands it to git, so it must stay inside the working tree,
 * outside .git, and never read as an option. Refused here, before anything touches the org.
 */
function validateArtifactsDir(m) {
    const artifacts = m.root.artifacts;
    if (isRecord(artifacts) && typeof artifacts.dir === 'string' && artifacts.dir !== '') {
        const problem = checkArtifactsDir(artifacts.dir, m.workspace);
        if (problem)
            m.add(['artifacts', 'dir'], problem.message, problem.fix);
    }
}

// EXTERNAL MODULE: ./src/journal/derive.ts + 2 modules
var derive = __webpack_require__(54879);
;// CONCATENATED MODULE: ./src/journal/view.ts

function byManifestOrder(order) {
    const pos = new Map(order.map((n, i) => [n, i]));
    const at = (n) => pos.get(n) ?? Number.MAX_SAFE_INTEGER;
    return (a, b) => at(a.name) - at(b.name);
}
function changedFact(f) {
    return {
        name: f.name,
        type: f.type ?? 'unknown',
        stage: f.stage ?? '',
        flowId: f.flowId ?? '',
        created: f.action === 'create',
        snapshot: f.snapshot ?? undefined,
        publishedVersion: f.leftVersion ?? undefined,
        seq: f.changedSeq
    };
}
/** Live before any rollback: what this run published, else what the plan found published. */
function liveBefore(f) {
    if (!f.flowId || f.action === null || f.action === 'skipped' || f.conflict)
        return undefined;
    const base = { name: f.name, type: f.type ?? 'unknown', flowId: f.flowId };
    if (f.toVersion) {
        // After a verified restore liveSince is the rollback's time; liveVersion() then replaces the version too.
        const publishedAt = f.liveSince ? Date.parse(f.liveSince) : undefined;
        return { ...base, version: f.toVersion, previousVersion: f.fromVersion, publishedAt };
    }
    return f.fromVersion ? { ...base, version: f.fromVersion, previousVersion: null } : undefined;
}
function liveVersion(f) {
    const before = liveBefore(f);
    const r = f.rollback;
    if (!r || !r.ok)
        return before;
    if (r.action !== 'republish' || !r.actual.version || !before)
        return undefined;
    return { ...before, version: r.actual.version, publishedAt: f.liveSince ? Date.parse(f.liveSince) : undefined };
}
/** Live at the end. A deploy: what it published. `command: rollback`: what it restored (a new published version). */
function publishedFlows(flows, command) {
    return flows.flatMap((f) => {
        if (command === 'rollback') {
            const r = f.rollback;
            if (!r?.ok || r.action !== 'republish' || !r.actual.version)
                return [];
            return [
                { name: f.name, type: r.type, flowId: r.flowId, fromVersion: f.rollbackFrom, toVersion: r.actual.version }
            ];
        }
        if (f.status !== 'published' || !f.flowId || !f.toVersion)
            return [];
        return [
            { name: f.name, type: f.type ?? 'unknown', flowId: f.flowId, fromVersion: f.fromVersion, toVersion: f.toVersion }
        ];
    });
}
/** The run as the journal tells it; `order` is the manifest's flow names (every list is in manifest order). */
function runView(events, order, command) {
    const d = (0,derive/* deriveRelease */.h)(events);
    const flows = [...d.flows].sort(byManifestOrder(order));
    const live = new Map();
    for (const f of flows) {
        const v = liveVersion(f);
        if (v)
            live.set(f.name, v);
    }
    const rollback = d.rollbacks.at(-1) ?? null;
    return {
        flows,
        changed: flows
            .filter((f) => f.changedSeq !== null)
            .map(changedFact)
            .sort((a, b) => a.seq - b.seq),
        live,
        published: publishedFlows(flows, command),
        conflicts: flows.filter((f) => f.conflict !== null),
        inFlight: flows.filter((f) => f.inFlight !== null),
        rollback
    };
}

// EXTERNAL MODULE: ./src/checks/cancel.ts
var cancel = __webpack_require__(52671);
;// CONCATENATED MODULE: ./src/checks/run.ts
// One bake round of a stage: every check of the stage, through its kind, each measurement journaled as a
// `check-result` event with its measured and expected values.


const defaultHttpGet = async (url, timeoutMs) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    return { status: res.status, body: await res.text() };
};
/** Run every check of a stage once and journal each measurement. */
async function runStageChecks(ctx, stage, round, live, stageStartedAt) {
    const measurements = [];
    for (const name of stage.checks) {
        // A cancelled run launches no further execution (a check is a call that starts something in the org).
        (0,cancel/* throwIfCancelled */.d)(ctx);
        measurements.push(...(await runCheck(ctx, name, { round, stage, live, stageStartedAt })));
    }
    for (const m of measurements) {
        const { flow, ...details } = m;
        const status = m.result === 'pass' ? 'ok' : m.result === 'pass-with-warning' ? 'warning' : 'error';
        ctx.journal.append('check-result', { stage: stage.name, flow, status, details });
        const line = `Check ${m.check} (round ${round}): ${m.result} — ${m.message}`;
        if (status === 'ok')
            ctx.log.info(line);
        else
            ctx.log.warning(line);
    }
    return { ok: measurements.every((m) => m.result === 'pass' || m.result === 'pass-with-warning'), measurements };
}
async function runCheck(ctx, name, round) {
    const check = ctx.manifest.checks[name];
    const kind = check && (0,registry/* findCheckKind */.m8)(check.kind);
    // A kind reports failed measurements itself; anything it throws reaches the engine ("checks could not run").
    if (check && kind)
        return kind.run(ctx, check, round);
    const message = check
        ? `Check "${name}" has kind ${check.kind}, which is not registered.`
        : `Check "${name}" is not defined in the manifest's checks.`;
    return [{ ...notRun(name, check?.kind ?? 'http', round.round), message }];
}
function notRun(check, kind, round) {
    return { check, kind, round, result: 'fail', measured: {}, expected: {} };
}

// EXTERNAL MODULE: ./src/checks/describe.ts
var describe = __webpack_require__(54908);
;// CONCATENATED MODULE: ./src/checks/index.ts
// The checks module's public face: the bake's round runner and the check-kind registry.





;// CONCATENATED MODULE: ./src/release/context.ts

/** Thrown (internally) when the run was cancelled; never escapes runRelease. */
class CancelledError extends Error {
    constructor(reason) {
        super(`Cancelled: ${reason}`);
        this.name = 'CancelledError';
    }
}
function abortReason(signal) {
    const r = signal?.reason;
    if (r instanceof Error)
        return r.message;
    return typeof r === 'string' ? r : 'aborted';
}
/** Call before every mutation: a cancelled run starts nothing new. */
function throwIfCancelled(ctx) {
    if (ctx.signal?.aborted)
        throw new CancelledError(abortReason(ctx.signal));
}
function isCancellation(ctx, e) {
    return e instanceof CancelledError || (ctx.signal?.aborted === true && e === ctx.signal.reason);
}
function isNotFound(e) {
    return (0,genesys_errors/* isGenesysError */.$t)(e) && e.kind === 'http' && e.status === 404;
}
function logByStatus(ctx, status, message) {
    if (status === 'error')
        ctx.log.error(message);
    else if (status === 'warning')
        ctx.log.warning(message);
    else
        ctx.log.info(message);
}
/** Flow.type comes back UPPERCASE, the manifest spells it lowercase. */
function sameType(flowType, type) {
    return (flowType ?? '').toLowerCase() === type.toLowerCase();
}

;// CONCATENATED MODULE: ./src/git/normalize.ts
// Architect exports are committed to git, so two exports of the same flow version must be byte-identical and an
// export must be comparable with the YAML that was uploaded. This module removes everything that varies between
// exports of unchanged content (header comments with timestamps, line endings, quoting and indentation style)
// while keeping key order exactly as written: Archy reads its keys in order, so sorting would change meaning.


const STRINGIFY_OPTIONS = {
    indent: 2,
    indentSeq: true,
    // No folding: a long prompt text must not be re-wrapped differently when a neighbouring value changes.
    lineWidth: 0,
    minContentWidth: 0,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    nullStr: 'null',
    trueStr: 'true',
    falseStr: 'false'
};
/**
 * Line endings, BOM and trailing blank lines: the text-level part of the normalisation. Trailing spaces on a line are
 * kept here: inside a YAML string they are content (`"You typed", \n` in a real export), so only the parser may
 * decide what is layout. `stripTrailing` is for text that does not parse (nothing there is a value).
 */
function normalizeText(text, stripTrailing = false) {
    let lines = text
        .replace(/^\uFEFF/, '')
        .replace(/\r\n?/g, '\n')
        .split('\n');
    if (stripTrailing)
        lines = lines.map((l) => l.replace(/[ \t]+$/, ''));
    while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '')
        lines.pop();
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
/**
 * An export as it may be uploaded again: without the leading block of comment lines our exports and the platform's
 * put at the top (`# Exported by ... at <time>`), which would otherwise pile up with every restore.
 */
function stripExportHeader(text) {
    return dropLeadingComments(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
}
/** Drops the leading block of comment (and blank) lines: export headers such as `# Exported by ... at <time>`. */
function dropLeadingComments(text) {
    const lines = text.split('\n');
    let i = 0;
    while (i < lines.length && /^\s*(#.*)?$/.test(lines[i] ?? ''))
        i++;
    return lines.slice(i).join('\n');
}
/** Removes comments and source styles so that the stringifier alone decides the layout. */
function restyle(doc) {
    doc.commentBefore = null;
    doc.comment = null;
    if (doc.directives) {
        doc.directives.docStart = null;
        doc.directives.docEnd = false;
    }
    (0,dist/* visit */.YR)(doc, (_key, node) => {
        if ((0,dist/* isNode */.Ll)(node)) {
            node.commentBefore = undefined;
            node.comment = undefined;
            node.spaceBefore = undefined;
        }
        if ((0,dist/* isScalar */.jn)(node)) {
            // Keep block scalars for multi-line text (readable diffs); everything else gets the default style, which
            // quotes only where a plain scalar would be read back as something else.
            if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED')
                node.type = undefined;
            else if (typeof node.value === 'string')
                node.type = 'BLOCK_LITERAL';
        }
        else if ((0,dist/* isCollection */.P3)(node)) {
            // Block style everywhere; an empty collection can only be written in flow style (`[]`, `{}`).
            node.flow = node.items.length === 0;
        }
        if (node && typeof node === 'object' && 'key' in node && (0,dist/* isNode */.Ll)(node.key)) {
            node.key.commentBefore = undefined;
            node.key.comment = undefined;
            node.key.spaceBefore = undefined;
        }
    });
}
/**
 * Makes an Architect export stable: drops leading comment lines, removes all comments, normalises line endings, parses,
 * and re-serialises the YAML with one consistent style (2-space indentation, no line folding,
 * minimal quoting) keeping key order as written. Idempotent. YAML that does not parse is only normalised at the
 * text level, so that a surprising export is still committed rather than lost.
 */
function normalizeExport(yaml) {
    const text = dropLeadingComments(normalizeText(yaml));
    const docs = (0,dist/* parseAllDocuments */.hR)(text, { keepSourceTokens: false, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [];
    if (list.length === 0 || list.some((d) => !(0,dist/* isDocument */.wz)(d) || d.errors.length > 0))
        return normalizeText(text, true);
    const out = list.map((doc) => {
        restyle(doc);
        return doc.toString(STRINGIFY_OPTIONS);
    });
    return normalizeText(out.join('---\n'));
}
/** sha256 of the UTF-8 text, lower-case hex. */
function contentHash(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text, 'utf8').digest('hex');
}
/** True when two YAML texts are the same after normalisation (export vs export, export vs committed export). */
function sameContent(a, b) {
    return normalizeExport(a) === normalizeExport(b);
}
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Every refId in document order (deep, key order as written). */
function collectRefIds(v, out) {
    if (Array.isArray(v))
        for (const x of v)
            collectRefIds(x, out);
    else if (isObject(v)) {
        for (const [k, x] of Object.entries(v)) {
            if (k === 'refId' && typeof x === 'string')
                out.push(x);
            else
                collectRefIds(x, out);
        }
    }
}
/** Rewrites refIds and the references to them (`…Ref` values: `elem[<refId>]`, absolute or relative) by `ids`. */
function renumber(v, ids, key = '') {
    if (Array.isArray(v))
        return v.map((x) => renumber(x, ids));
    if (isObject(v))
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renumber(x, ids, k)]));
    if (typeof v !== 'string')
        return v;
    if (key === 'refId')
        return ids.get(v) ?? v;
    if (!/Ref$/.test(key))
        return v;
    return ids.get(v) ?? v.replace(/\[([^\]]*)\]/g, (all, id) => (ids.has(id) ? `[${ids.get(id)}]` : all));
}
/**
 * The form in which two exports of a flow are compared (rollback verification: the restored version's export against
 * the snapshot's export). Parsed values, never text: header comments, comments, quoting and layout do not count, and
 * whitespace inside strings does. Architect numbers objects internally (`Main Menu_10`) and a republish may number
 * them differently, so every refId is renumbered canonically — `<name>_#<k>`, k its place in document order — and
 * every `…Ref` to it with it. Key order is kept (Archy reads keys in order). Text that does not parse compares as its
 * normalised text.
 */
function comparableExport(yaml) {
    const docs = (0,dist/* parseAllDocuments */.hR)(normalizeText(yaml), { prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [];
    if (list.length === 0 || list.some((d) => !(0,dist/* isDocument */.wz)(d) || d.errors.length > 0))
        return normalizeText(yaml, true);
    return JSON.stringify(list.map((doc) => {
        const value = doc.toJS({ maxAliasCount: -1 });
        const found = [];
        collectRefIds(value, found);
        const ids = new Map();
        for (const id of found)
            if (!ids.has(id))
                ids.set(id, `${id.replace(/_\d+$/, '')}_#${ids.size + 1}`);
        return renumber(value, ids);
    }));
}

;// CONCATENATED MODULE: ./src/release/normalize.ts
// Export comparison for the engine. Exports are compared only with exports (an export is Architect's rendering, never
// the uploaded text): `exportHash` is the sha256 of `comparableExport` — parsed values with refIds renumbered
// canonically, header comments ignored, whitespace inside strings kept — so that the rollback verification (restored
// export vs snapshot export) and `command: rollback` (restored export vs the committed export) compare like with like.
// What is committed is `normalizeExport` (git/normalize.ts): stable text, key order kept.


/** sha256 of the export's comparable form: the identity of a flow's published content. */
function exportHash(content) {
    return contentHash(comparableExport(content));
}

// EXTERNAL MODULE: ./src/genesys/wait.ts
var wait = __webpack_require__(95333);
;// CONCATENATED MODULE: ./src/release/wait.ts

/**
 * Waits for an Architect, export or validate job (Registered → Started → Success | Failure) with the manifest's job
 * deadline, journaling its progress as `wait-progress` events of the stage.
 */
function waitForPlatformJob(ctx, job, c) {
    return (0,wait/* waitFor */.fm)({
        what: job.what,
        id: job.id,
        poll: job.poll,
        done: (j) => j.status === 'Success' || j.status === 'Failure',
        state: (j) => j.status,
        clock: ctx.clock,
        log: ctx.log,
        deadlineMs: ctx.manifest.jobTimeoutMs,
        deadlineAt: c.deadlineAt,
        signal: c.signal,
        expectedLatencyMs: job.expectedLatencyMs,
        onProgress: (state, elapsedMs) => ctx.journal.append('wait-progress', {
            stage: c.stage,
            status: 'info',
            details: { what: job.what, id: job.id, state, elapsedMs }
        })
    });
}

;// CONCATENATED MODULE: ./src/release/exports.ts
// Export jobs: the snapshot before a stage is touched, the verification of a rollback, and the artifacts after a
// successful release. One job for many flows, always with explicit version ids (without one Genesys may export the
// draft), files matched back to flows by the flow name and type inside the YAML.




class ExportError extends Error {
    jobId;
    constructor(message, jobId) {
        super(message);
        this.name = 'ExportError';
        this.jobId = jobId;
    }
}
/** The flow named by an Archy YAML document: its top-level key (the type) and body `name`. */
function archyIdentity(content) {
    try {
        const doc = (0,dist/* parse */.qg)(content);
        if (!doc || typeof doc !== 'object' || Array.isArray(doc))
            return undefined;
        const [typeKey, body] = Object.entries(doc)[0] ?? [];
        if (!typeKey || !body || typeof body !== 'object')
            return undefined;
        const name = body.name;
        return typeof name === 'string' ? { typeKey, name } : undefined;
    }
    catch {
        return undefined;
    }
}
function matchFiles(files, flows, jobId) {
    const byFlow = new Map();
    if (files.length === 1 && flows.length === 1) {
        byFlow.set(flows[0].flowId, files[0]);
        return byFlow;
    }
    // Parse each file once (not once per flow): an export of a 100-flow stage would otherwise parse ~5,000 YAMLs.
    const unused = new Set(files);
    const byIdentity = new Map();
    for (const file of files) {
        const id = archyIdentity(file.content);
        if (!id)
            continue;
        // The Archy key (case-sensitive: `botFlow` is type bot) → the API type, from the action's one table.
        const key = `${typeForArchyKey(id.typeKey) ?? `?${id.typeKey}`}\u0000${id.name}`;
        byIdentity.set(key, [...(byIdentity.get(key) ?? []), file]);
    }
    for (const f of flows) {
        const hit = (byIdentity.get(`${f.type.toLowerCase()}\u0000${f.name}`) ?? []).find((file) => unused.has(file)) ??
            [...unused].find((file) => file.fileName.includes(f.flowId));
        if (!hit) {
            throw new ExportError(`Export job ${jobId} returned ${files.length} file(s) (${files.map((x) => x.fileName).join(', ')}) but none ` +
                `is flow "${f.name}" (${f.type}) version ${f.version}.`, jobId);
        }
        unused.delete(hit);
        byFlow.set(f.flowId, hit);
    }
    return byFlow;
}
/** Export the given versions in one job. Throws ExportError (or the API/wait error) when anything is missing. */
async function exportVersions(ctx, flows, opts = {}) {
    const out = new Map();
    if (flows.length === 0)
        return out;
    const reg = await ctx.api.registerExportJob(flows.map((f) => ({ flowId: f.flowId, version: f.version })));
    const job = await waitForPlatformJob(ctx, { what: 'export job', id: reg.id, poll: () => ctx.api.getExportJob(reg.id), expectedLatencyMs: 2000 }, opts);
    if (job.status === 'Failure' || !job.downloadUrl) {
        const texts = (job.messages ?? []).map((m) => m.text ?? '').filter(Boolean);
        throw new ExportError(`Export job ${reg.id} ${job.status === 'Failure' ? 'failed' : 'succeeded without a download URL'}` +
            (texts.length ? `: ${texts.join('; ')}` : '') +
            '. Check that the OAuth client has architect:jobExport:create and that the versions exist.', reg.id);
    }
    const files = await ctx.api.downloadExport(job.downloadUrl);
    const matched = matchFiles(files, flows, reg.id);
    for (const f of flows) {
        const file = matched.get(f.flowId);
        out.set(f.flowId, {
            ...f,
            raw: file.content,
            content: normalizeExport(file.content),
            hash: exportHash(file.content),
            jobId: reg.id
        });
    }
    return out;
}

;// CONCATENATED MODULE: ./src/release/export-released.ts




async function exportReleased(run) {
    const { ctx } = run;
    const pub = run.view().published;
    if (pub.length === 0)
        return [];
    try {
        const got = new Map();
        const missing = pub.filter((p) => {
            const v = run.work.verified.get(p.flowId);
            if (v && v.version === p.toVersion)
                got.set(p.flowId, v);
            return !got.has(p.flowId);
        });
        if (missing.length > 0) {
            const more = await exportVersions(ctx, missing.map((p) => ({ name: p.name, type: p.type, flowId: p.flowId, version: p.toVersion })), { signal: ctx.signal });
            for (const [id, e] of more)
                got.set(id, e);
        }
        const out = [];
        for (const p of pub) {
            const e = got.get(p.flowId);
            if (!e)
                continue;
            out.push({
                name: p.name,
                type: p.type,
                flowId: p.flowId,
                version: p.toVersion,
                content: e.content,
                contentHash: e.hash
            });
            ctx.journal.append('export', {
                flow: p.name,
                status: 'ok',
                details: {
                    flowId: p.flowId,
                    version: p.toVersion,
                    contentHash: e.hash,
                    path: `${ctx.manifest.artifacts.dir.replace(/\/+$/, '')}/${artifactPath(p.type, p.name)}`
                }
            });
        }
        return out;
    }
    catch (e) {
        const message = `The release succeeded but exporting the published flows failed, so they will not be committed: ${(0,genesys_errors/* errorText */.kc)(e)}`;
        ctx.journal.append('warning', { status: 'warning', details: { message } });
        ctx.log.warning(message);
        return [];
    }
}

// EXTERNAL MODULE: ./src/journal/outcome.ts
var journal_outcome = __webpack_require__(78963);
;// CONCATENATED MODULE: ./src/release/finish.ts


function conclude(run, ending) {
    const { ctx } = run;
    const view = run.view();
    const { outcome, message } = (0,journal_outcome/* verdict */.WJ)(run.events(), view, ending);
    if (outcome === 'succeeded' || outcome === 'planned')
        ctx.log.info(message);
    else
        ctx.log.error(message);
    return { outcome, published: view.published, exports: [], message };
}
/** A refusal before anything changed: journal each error (default: the conclusion itself), then conclude. */
function refuse(run, ending, errors) {
    const { journal } = run.ctx;
    for (const message of errors ?? [(0,journal_outcome/* verdict */.WJ)(run.events(), run.view(), ending).message]) {
        journal.append('error', { status: 'error', details: { message } });
    }
    return conclude(run, ending);
}
/**
 * A cancelled run starts nothing new — not even a rollback publish: it reports what it leaves behind. Flows this run
 * published stay at their new versions (journaled one by one here); a job already handed to the platform may still
 * land (journaled when the publish was cut short).
 */
function finishCancelled(run, stage, rollbackReason) {
    const { ctx } = run;
    for (const p of run.view().published) {
        ctx.journal.append('warning', {
            stage,
            flow: p.name,
            status: 'warning',
            details: {
                message: `Cancelled: "${p.name}" is left at version ${p.toVersion} (published by this release, was ${p.fromVersion ?? 'new'}); it was not rolled back.`
            }
        });
    }
    return conclude(run, { kind: 'cancelled', signal: abortReason(ctx.signal), stage, rollbackReason });
}

;// CONCATENATED MODULE: ./src/release/bake.ts
// The bake: after a stage's publishes, wait bakeMs while the stage's checks run every checkIntervalMs (the manifest
// loader delivers it final: at least 1 s, at most the bake) and once at the end. The first failing round ends the
// stage. Checks measure what view() says is live.



/** The stage as this run releases it: with a `flows` subset, checks default to the flows actually released. */
function runSpec(stage) {
    return { ...stage.spec, flows: stage.flows.map((f) => f.name) };
}
/**
 * Bake the stage; `stop` ends it early without a failure (the content verification failed and reports that).
 * Returns the failure, or undefined.
 */
async function bakeStage(run, stage, stageStartedAt, stop) {
    const { ctx } = run;
    const { bakeMs, checks, checkIntervalMs: intervalMs } = stage.spec;
    ctx.journal.append('bake-started', { stage: stage.spec.name, status: 'info', details: { bakeMs, intervalMs } });
    ctx.log.info(`Baking ${stage.spec.name} for ${Math.round(bakeMs / 1000)} s${checks.length ? `, checks every ${Math.round(intervalMs / 1000)} s` : ''}.`);
    const start = ctx.clock.now();
    const end = start + bakeMs;
    // Waits end on a cancellation or when the caller stops the bake.
    const signals = [ctx.signal, stop].filter((x) => x !== undefined);
    const sleepSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const stopped = () => stop?.aborted === true && !ctx.signal?.aborted;
    try {
        if (checks.length === 0) {
            if (bakeMs > 0)
                await ctx.clock.sleep(bakeMs, sleepSignal);
            return undefined;
        }
        for (let round = 1;; round++) {
            const next = Math.min(start + round * intervalMs, end);
            const wait = next - ctx.clock.now();
            if (wait > 0)
                await ctx.clock.sleep(wait, sleepSignal);
            if (stopped())
                return undefined;
            throwIfCancelled(ctx);
            const result = await runStageChecks(ctx, runSpec(stage), round, run.view().live, stageStartedAt);
            if (!result.ok) {
                const failed = result.measurements.filter((m) => m.result === 'fail' || m.result === 'inconclusive');
                return {
                    reason: `Check failed in bake round ${round}: ${failed.map((m) => `${m.check}: ${m.message}`).join(' | ')}`
                };
            }
            if (ctx.clock.now() >= end || stopped())
                return undefined;
        }
    }
    catch (e) {
        if (isCancellation(ctx, e) || ctx.signal?.aborted)
            return { reason: 'cancelled', cancelled: true };
        if (stopped())
            return undefined;
        return { reason: `Checks could not run: ${(0,genesys_errors/* errorText */.kc)(e)}` };
    }
}

;// CONCATENATED MODULE: ./src/release/identity.ts
/** How far this runner's clock and the org's may disagree when comparing datePublished with the upload time. */
const CLOCK_SKEW_MS = 120_000;
function versionEvidence(v) {
    const by = v.createdBy ? { id: v.createdBy.id, name: v.createdBy.name } : undefined;
    return { version: v.id, createdByClient: v.createdByClient?.id, createdBy: by, datePublished: v.datePublished };
}
/** "OAuth client X" / "user Jane Doe (u-9)" / "an unnamed creator". */
function creatorText(e) {
    if (e.createdByClient)
        return `OAuth client ${e.createdByClient}`;
    const u = e.createdBy;
    if (u?.name || u?.id)
        return `user ${u.name ?? u.id}${u.name && u.id ? ` (${u.id})` : ''}`;
    return 'an unnamed creator';
}
/** Numeric order of version ids ("2.0" < "10.0"); undefined when either is not a number. */
function compareVersions(a, b) {
    const x = Number(a);
    const y = Number(b);
    return Number.isFinite(x) && Number.isFinite(y) ? x - y : undefined;
}
/** The live version's metadata: from the flow as read back when it carries any, else GET …/versions/{id}. */
async function liveVersionMeta(ctx, flowId, flow) {
    const pv = flow?.publishedVersion;
    if (!pv)
        throw new Error(`flow ${flowId} has no published version`);
    if (pv.createdByClient || pv.createdBy || pv.datePublished)
        return pv;
    return ctx.api.getFlowVersion(flowId, pv.id);
}
function conflictError(flowName, e, why) {
    return (`conflict: version ${e.version} of "${flowName}" was ${why} — created by ${creatorText(e)}, published ` +
        `${e.datePublished ?? 'at an unknown time'} — a concurrent release or a person published it at the same time. ` +
        `It is not rolled back over their content; check which version should be live.`);
}
/** Applies the rule above to the live version after a job reported Success. */
function proveIdentity(v, expect) {
    const ev = versionEvidence(v);
    const order = expect.previousVersion === null ? 1 : compareVersions(v.id, expect.previousVersion);
    if (v.id === expect.previousVersion || (order !== undefined && order <= 0)) {
        return {
            ok: false,
            kind: 'no-new-version',
            error: `the live version is still ${v.id} (${expect.previousVersion ?? 'none'} before the upload): the job left no new version`
        };
    }
    const conflict = (why) => ({
        ok: false,
        kind: 'conflict',
        error: conflictError(expect.flowName, { ...ev, expectedClient: expect.clientId }, why),
        conflict: { ...ev, expectedClient: expect.clientId }
    });
    const mine = expect.clientId !== undefined && ev.createdByClient === expect.clientId;
    if (ev.createdByClient && expect.clientId !== undefined && !mine)
        return conflict(`not created by this action's OAuth client (${expect.clientId})`);
    if (!ev.createdByClient && (ev.createdBy?.id || ev.createdBy?.name))
        return conflict('created by a user, not by this action');
    const published = ev.datePublished ? Date.parse(ev.datePublished) : NaN;
    if (Number.isFinite(published) && published < expect.uploadedAt - CLOCK_SKEW_MS) {
        const at = new Date(expect.uploadedAt).toISOString();
        return conflict(`published before this release uploaded its file (${at}, ±${CLOCK_SKEW_MS / 1000} s)`);
    }
    const evidence = {
        ...ev,
        previousVersion: expect.previousVersion,
        basis: mine ? 'client' : 'ordering-and-time'
    };
    if (mine)
        return { ok: true, evidence };
    const why = ev.createdByClient
        ? `was created by OAuth client ${ev.createdByClient} but this run does not know its own client id`
        : 'names no creator (no createdByClient or createdBy)';
    const warning = `"${expect.flowName}": version ${v.id} ${why}, so it is accepted as ` +
        `this release's on version order (newer than ${expect.previousVersion ?? 'none'}) and time ` +
        `(published ${ev.datePublished ?? 'at an unknown time'}, after the upload) alone — its creator is unconfirmed.`;
    return { ok: true, evidence, warning };
}
/** Version ids are `N.0`; at most this many in-between versions are read (more is a conflict by itself). */
const MAX_BETWEEN = 10;
/**
 * Rule 4's first half: a version published between `previous` and `live` during this release (datePublished after
 * the upload minus the skew) — another publish raced this one. Returns the conflict, or undefined. Consecutive
 * numbers (the usual case) cost no call.
 */
async function racedVersion(ctx, flowId, flowName, span) {
    const from = span.previous === null ? 0 : Number(span.previous);
    const to = Number(span.live);
    if (!Number.isInteger(from) || !Number.isInteger(to) || to - from <= 1)
        return undefined;
    for (let n = to - 1; n > from && n >= to - MAX_BETWEEN; n--) {
        let v;
        try {
            v = await ctx.api.getFlowVersion(flowId, `${n}.0`);
        }
        catch {
            continue; // deleted or never published: not a rival publish
        }
        const at = v.datePublished ? Date.parse(v.datePublished) : NaN;
        if (!Number.isFinite(at) || at < span.uploadedAt - CLOCK_SKEW_MS)
            continue;
        const conflict = { ...versionEvidence(v), expectedClient: ctx.clientId };
        const why = `published between ${span.previous ?? 'none'} and ${span.live} while this release ran, so which version is this release's cannot be proved`;
        return { error: conflictError(flowName, conflict, why), conflict };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/release/publish.ts





/** Read the flow back: exists? which version is published? Never throws. */
async function readBack(ctx, t, flowId = t.flowId) {
    try {
        let flow;
        if (flowId) {
            try {
                flow = await ctx.api.getFlow(flowId);
            }
            catch (e) {
                if (!isNotFound(e))
                    throw e;
            }
        }
        else {
            const found = await ctx.api.findFlowsByName(t.name, t.type);
            flow = found.find((f) => f.name === t.name && sameType(f.type, t.type) && !f.deleted);
        }
        if (!flow || flow.deleted)
            return { changed: t.fromVersion !== null && flowId !== undefined ? true : false };
        const version = flow.publishedVersion?.id;
        return { changed: (version ?? null) !== t.fromVersion, flowId: flow.id, version, flow };
    }
    catch (e) {
        ctx.log.warning(`Could not read back flow "${t.name}" to see whether it changed: ${(0,genesys_errors/* errorText */.kc)(e)}`);
        return {};
    }
}
function jobMessages(job) {
    return (job.messages ?? []).map((m) => (m.type ? `${m.type}: ${m.text ?? ''}` : (m.text ?? ''))).filter(Boolean);
}
function awaitArchitectJob(ctx, jobId, c) {
    const job = { what: 'publish job', id: jobId, poll: () => ctx.api.getArchitectJob(jobId), expectedLatencyMs: 4000 };
    return waitForPlatformJob(ctx, job, c);
}
/** What a finished Architect job did: never trust its status, read the published version back. */
async function jobResult(ctx, t, jobId, job, uploadedAt) {
    if (job.status === 'Failure') {
        const messages = jobMessages(job);
        const back = await readBack(ctx, t);
        return {
            ok: false,
            jobId,
            messages,
            error: `Architect job ${jobId} failed${messages.length ? `: ${messages.join('; ')}` : ' without messages'}`,
            changed: back.changed,
            flowId: back.flowId ?? t.flowId,
            toVersion: back.version
        };
    }
    const back = await readBack(ctx, t, job.flow?.id ?? t.flowId);
    if (!back.flowId || !back.version || back.version === t.fromVersion) {
        return {
            ok: false,
            jobId,
            flowId: back.flowId ?? job.flow?.id ?? t.flowId,
            toVersion: back.version,
            changed: back.changed,
            error: `Architect job ${jobId} reported Success but the flow's published version ` +
                (back.version ? `is still ${back.version}` : 'could not be read') +
                '; nothing is considered published.'
        };
    }
    return proveJob(ctx, t, jobId, { flowId: back.flowId, version: back.version, flow: back.flow }, uploadedAt);
}
/** The job reported Success and the published version moved: prove it is the version this job created. */
async function proveJob(ctx, t, jobId, back, uploadedAt) {
    const base = { jobId, flowId: back.flowId, toVersion: back.version };
    let meta;
    try {
        meta = await liveVersionMeta(ctx, back.flowId, back.flow);
    }
    catch (e) {
        const error = `Architect job ${jobId} reported Success, but version ${back.version} could not be read to prove who published it: ${(0,genesys_errors/* errorText */.kc)(e)}`;
        return { ok: false, ...base, changed: undefined, error };
    }
    const verdict = proveIdentity(meta, {
        flowName: t.name,
        clientId: ctx.clientId,
        previousVersion: t.fromVersion,
        uploadedAt
    });
    if (verdict.ok) {
        const raced = await racedVersion(ctx, back.flowId, t.name, {
            previous: t.fromVersion,
            live: back.version,
            uploadedAt
        });
        if (raced)
            return { ok: false, ...base, changed: true, error: raced.error, conflict: raced.conflict };
        return { ok: true, ...base, changed: true, identity: verdict.evidence, warning: verdict.warning };
    }
    if (verdict.kind === 'conflict')
        return { ok: false, ...base, changed: true, error: verdict.error, conflict: verdict.conflict };
    return {
        ok: false,
        ...base,
        changed: false,
        error: `Architect job ${jobId} reported Success, but ${verdict.error}; nothing is considered published.`
    };
}
/** Publish Archy YAML through an Architect job and verify the published version changed. */
async function publishYaml(ctx, t, yaml, c = {}) {
    let jobId;
    let uploaded = false;
    // A cancelled run starts nothing new: checked before the job is registered and again before the upload (a job
    // registered but never uploaded does nothing).
    if (c.signal?.aborted)
        return { ok: false, cancelled: true, flowId: t.flowId, error: 'cancelled', changed: false };
    try {
        const reg = await ctx.api.registerArchitectJob();
        jobId = reg.id;
        // Recorded (the ledger: durable) before the upload; a job registered but never uploaded does nothing.
        await c.onJob?.(reg.id);
        if (c.signal?.aborted)
            throw new CancelledError(abortReason(c.signal));
        const uploadedAt = ctx.clock.now();
        try {
            uploaded = true;
            await ctx.api.uploadArchitectJobFile(reg, yaml);
        }
        catch (e) {
            const ambiguous = e.outcomeUnknown === true;
            if (!ambiguous)
                return { ok: false, jobId, error: `Upload for job ${jobId} failed: ${(0,genesys_errors/* errorText */.kc)(e)}`, changed: false };
            // The upload may have arrived: the job itself will tell. Never upload twice.
            ctx.log.warning(`Upload for job ${jobId} had an unknown outcome; polling the job instead of re-sending.`);
        }
        const job = await awaitArchitectJob(ctx, reg.id, c);
        return await jobResult(ctx, t, jobId, job, uploadedAt);
    }
    catch (e) {
        const settle = jobId
            ? async (deadlineAt) => {
                await awaitArchitectJob(ctx, jobId, { deadlineAt }).catch(() => undefined);
            }
            : undefined;
        if (e instanceof CancelledError || isCancellation(ctx, e) || (c.signal?.aborted && e === c.signal.reason))
            return {
                ok: false,
                jobId,
                flowId: t.flowId,
                cancelled: true,
                inFlight: uploaded,
                changed: uploaded ? undefined : false,
                error: 'cancelled',
                settle: uploaded ? settle : undefined
            };
        const timedOut = e instanceof wait/* WaitTimeoutError */.Do;
        const back = await readBack(ctx, t);
        return {
            ok: false,
            jobId,
            timedOut,
            error: jobId ? `Publish job ${jobId}: ${(0,genesys_errors/* errorText */.kc)(e)}` : `Could not register an Architect job: ${(0,genesys_errors/* errorText */.kc)(e)}`,
            changed: jobId ? (timedOut ? (back.changed ? true : undefined) : back.changed) : false,
            flowId: back.flowId ?? t.flowId,
            toVersion: back.version,
            settle: timedOut ? settle : undefined
        };
    }
}
/** Promote a checked-in version with actions/publish; poll the flow's currentOperation, then verify. */
async function publishDraft(ctx, t, version, c = {}) {
    const before = c.before ?? (await ctx.api.getFlow(t.flowId).catch(() => undefined));
    const beforeOpId = before?.currentOperation?.id;
    let opId;
    if (c.signal?.aborted)
        return { ok: false, cancelled: true, flowId: t.flowId, error: 'cancelled', changed: false };
    try {
        const op = await ctx.api.publishFlow(t.flowId, version);
        opId = op.id;
    }
    catch (e) {
        if (e.outcomeUnknown !== true) {
            return { ok: false, flowId: t.flowId, error: `actions/publish failed: ${(0,genesys_errors/* errorText */.kc)(e)}`, changed: false };
        }
        ctx.log.warning(`actions/publish for "${t.name}" had an unknown outcome; reading the flow back, not re-sending.`);
    }
    const ourOp = (f) => f.currentOperation?.actionName === 'PUBLISH' &&
        (opId !== undefined ? f.currentOperation.id === opId : f.currentOperation.id !== beforeOpId);
    const opWait = (deadlineAt, signal) => (0,wait/* waitFor */.fm)({
        what: 'publish operation',
        id: opId ?? t.flowId,
        poll: () => ctx.api.getFlow(t.flowId),
        done: (f) => (ourOp(f) && f.currentOperation?.complete === true) || (f.publishedVersion?.id ?? null) !== t.fromVersion,
        state: (f) => `${f.currentOperation?.actionName ?? '-'} ${f.currentOperation?.actionStatus ?? '-'}`,
        clock: ctx.clock,
        log: ctx.log,
        deadlineMs: ctx.manifest.jobTimeoutMs,
        deadlineAt,
        signal,
        expectedLatencyMs: 2000
    });
    try {
        const flow = await opWait(c.deadlineAt, c.signal);
        const status = ourOp(flow) ? flow.currentOperation?.actionStatus : undefined;
        const now = flow.publishedVersion?.id;
        if (status === 'FAILURE') {
            return {
                ok: false,
                flowId: t.flowId,
                toVersion: now,
                changed: (now ?? null) !== t.fromVersion,
                error: `Publish operation failed: ${flow.currentOperation?.errorMessage ?? flow.currentOperation?.errorCode ?? 'no error message'}`
            };
        }
        if (!now || now === t.fromVersion) {
            return {
                ok: false,
                flowId: t.flowId,
                toVersion: now,
                changed: false,
                error: `actions/publish reported ${status ?? 'completion'} but the published version is still ${now ?? 'none'}.`
            };
        }
        if (now !== version)
            ctx.log.warning(`"${t.name}": asked to publish version ${version}, Genesys now publishes ${now}.`);
        return { ok: true, flowId: t.flowId, toVersion: now, changed: true };
    }
    catch (e) {
        const settle = async (deadlineAt) => {
            await opWait(deadlineAt, undefined).catch(() => undefined);
        };
        if (isCancellation(ctx, e) || (c.signal?.aborted && e === c.signal.reason))
            return { ok: false, flowId: t.flowId, cancelled: true, inFlight: true, error: 'cancelled', settle };
        const back = await readBack(ctx, t);
        return {
            ok: false,
            flowId: t.flowId,
            timedOut: e instanceof wait/* WaitTimeoutError */.Do,
            toVersion: back.version,
            changed: back.changed,
            error: `Publishing draft version ${version}: ${(0,genesys_errors/* errorText */.kc)(e)}`,
            settle: e instanceof wait/* WaitTimeoutError */.Do ? settle : undefined
        };
    }
}

;// CONCATENATED MODULE: ./src/release/rollback.ts






const ROLLBACK_ATTEMPTS = 3;
/**
 * The rollback order: newest change first, so every flow is restored while what it may call is still at the version
 * it was published against (a later stage's flow comes off before an earlier stage's).
 */
function rollbackOrder(changed) {
    return [...changed].sort((a, b) => b.seq - a.seq);
}
/** Sleep between attempts; a cancellation ends it early (the next attempt then does not start). */
async function pause(ctx, ms) {
    await ctx.clock.sleep(ms, ctx.signal).catch(() => undefined);
}
function journalFlow(ctx, stage, r) {
    ctx.journal.append('rollback-flow', { stage, flow: r.name, status: r.ok ? 'ok' : 'error', details: r });
    const line = `Rollback of "${r.name}" (${r.action}): ${r.ok ? 'verified' : 'FAILED'} after ${r.attempts} attempt(s)${r.error ? ` — ${r.error}` : ''}`;
    if (r.ok)
        ctx.log.info(line);
    else
        ctx.log.error(line);
}
async function deleteCreated(ctx, f) {
    const r = {
        name: f.name,
        type: f.type,
        flowId: f.flowId,
        action: 'delete',
        attempts: 0,
        ok: false,
        expected: { deleted: true },
        actual: {}
    };
    for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt++) {
        if (ctx.signal?.aborted) {
            r.error = 'cancelled before the delete was sent';
            break;
        }
        r.attempts = attempt;
        try {
            if (!f.flowId) {
                // Created by a job whose result we never saw: find it by name (absent means nothing was created).
                const found = await ctx.api.findFlowsByName(f.name, f.type);
                const hit = found.find((x) => x.name === f.name && sameType(x.type, f.type) && !x.deleted);
                if (!hit) {
                    r.actual = { deleted: true };
                    r.ok = true;
                    return r;
                }
                f = { ...f, flowId: hit.id };
                r.flowId = hit.id;
            }
            try {
                await ctx.api.deleteFlow(f.flowId);
            }
            catch (e) {
                if (!isNotFound(e))
                    throw e;
            }
            let deleted = false;
            let version;
            try {
                const flow = await ctx.api.getFlow(f.flowId);
                deleted = flow.deleted === true;
                version = flow.publishedVersion?.id;
            }
            catch (e) {
                if (!isNotFound(e))
                    throw e;
                deleted = true;
            }
            r.actual = deleted ? { deleted: true } : { deleted: false, version };
            if (deleted) {
                r.ok = true;
                r.error = undefined;
                return r;
            }
            r.error = `flow ${f.flowId} still exists after DELETE`;
        }
        catch (e) {
            r.error = (0,genesys_errors/* errorText */.kc)(e);
        }
        if (attempt < ROLLBACK_ATTEMPTS)
            await pause(ctx, 1000 * attempt);
    }
    return r;
}
function verified(r, version, hash) {
    r.actual = { version, contentHash: hash };
    r.ok = true;
    r.error = undefined;
    return true;
}
/** Publish the target content through an Architect job and verify its export; true when verified. */
async function republish(ctx, f, target, current, r, deadlineAt) {
    const pub = await publishYaml(ctx, { name: f.name, type: f.type, flowId: current === undefined ? undefined : f.flowId, fromVersion: current ?? null }, 
    // An export's header comments (e.g. `# Exported by … at <time>`) are never uploaded back.
    stripExportHeader(target.content), {
        deadlineAt,
        signal: ctx.signal,
        stage: f.stage,
        // Every Architect job this release registers is in the journal, the rollback's included.
        onJob: async (jobId) => {
            await ctx.recordJob?.(f, jobId, 'architect');
            ctx.journal.append('wait-progress', {
                stage: f.stage,
                flow: f.name,
                status: 'info',
                details: { what: 'rollback publish job', id: jobId, state: 'Registered', elapsedMs: 0 }
            });
        }
    });
    r.actual = { version: pub.toVersion ?? current };
    if (!pub.ok || !pub.toVersion || !pub.flowId) {
        r.error = pub.error ?? 'the republish did not change the published version';
        return false;
    }
    const exported = await exportVersions(ctx, [{ name: f.name, type: f.type, flowId: pub.flowId, version: pub.toVersion }], { deadlineAt, signal: ctx.signal, stage: f.stage });
    const hash = exported.get(pub.flowId)?.hash;
    r.actual = { version: pub.toVersion, contentHash: hash };
    if (pub.flowId !== f.flowId)
        r.flowId = pub.flowId;
    if (hash === target.hash)
        return verified(r, pub.toVersion, hash);
    r.error = `published version ${pub.toVersion} exports content ${hash?.slice(0, 12)}, expected ${target.hash.slice(0, 12)}`;
    return false;
}
/** One restore attempt; true when it ends the restore (verified, or refused over someone else's change). */
async function restoreAttempt(ctx, f, target, r, attempt, deadlineAt, expectCurrent) {
    let current;
    try {
        current = (await ctx.api.getFlow(f.flowId)).publishedVersion?.id;
    }
    catch (e) {
        // A deleted flow is restored by the job, which recreates it by name.
        if (!isNotFound(e))
            throw e;
    }
    r.actual = { version: current };
    // The failed publish never took effect: the snapshot version is still live.
    if (current !== undefined && current === target.version)
        return verified(r, current, target.hash);
    if (attempt === 1 && expectCurrent !== undefined && current !== undefined && current !== expectCurrent) {
        // Another release or a person published since this release did: restoring would overwrite their change.
        r.error = `published version changed from ${expectCurrent} to ${current} since this release published it — another release or a person published it; refusing to overwrite`;
        return true;
    }
    if (attempt > 1 && current !== undefined) {
        // An earlier attempt may have landed although its result was never seen (a lost or garbled poll): read the
        // live content back instead of publishing the same content twice.
        const live = await exportVersions(ctx, [{ name: f.name, type: f.type, flowId: f.flowId, version: current }], {
            deadlineAt,
            signal: ctx.signal,
            stage: f.stage
        });
        if (live.get(f.flowId)?.hash === target.hash)
            return verified(r, current, target.hash);
    }
    return republish(ctx, f, target, current, r, deadlineAt);
}
/**
 * Make `content` the published content of the flow again and verify it. Shared by the automatic rollback (snapshot
 * content) and `command: rollback` (the recorded export).
 */
async function restoreContent(ctx, f, target, deadlineAt, 
/** The version this release left published: any other version (not the target) is someone else's change. */
expectCurrent) {
    const r = {
        name: f.name,
        type: f.type,
        flowId: f.flowId,
        action: 'republish',
        attempts: 0,
        ok: false,
        expected: { version: target.version, contentHash: target.hash },
        actual: {}
    };
    for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt++) {
        if (deadlineAt !== undefined && ctx.clock.now() >= deadlineAt && attempt > 1)
            break;
        if (ctx.signal?.aborted) {
            // A cancelled run starts no new restore publish.
            r.error =
                attempt === 1
                    ? 'cancelled before the restore started'
                    : `cancelled after attempt ${attempt - 1}: ${r.error ?? ''}`;
            break;
        }
        r.attempts = attempt;
        try {
            if (await restoreAttempt(ctx, f, target, r, attempt, deadlineAt, expectCurrent))
                return r;
        }
        catch (e) {
            r.error = (0,genesys_errors/* errorText */.kc)(e);
        }
        ctx.log.warning(`Rollback attempt ${attempt} for "${f.name}" failed: ${r.error}`);
        if (attempt < ROLLBACK_ATTEMPTS)
            await pause(ctx, 1000 * attempt);
    }
    return r;
}
/**
 * Roll back every changed flow in rollbackOrder (newest first). A cancellation starts no further restore: the flows not reached are
 * not in `results` (they stay at the version this release published).
 */
async function rollbackFlows(ctx, changed, opts) {
    const results = [];
    const kept = [];
    for (const f of rollbackOrder(changed)) {
        if (ctx.signal?.aborted)
            break;
        if (f.settle) {
            // A job cut short may still publish: let it end (bounded) so it cannot overwrite the restored content.
            await f.settle(opts.deadlineAt ?? ctx.clock.now() + ctx.manifest.jobTimeoutMs);
        }
        let r;
        if (f.created) {
            if (opts.newFlows === 'keep') {
                kept.push(f);
                ctx.journal.append('warning', {
                    stage: f.stage,
                    flow: f.name,
                    status: 'warning',
                    details: { message: `Kept "${f.name}", created by this release (rollback.new-flows: keep).` }
                });
                continue;
            }
            r = await deleteCreated(ctx, f);
        }
        else if (!f.snapshot) {
            r = {
                name: f.name,
                type: f.type,
                flowId: f.flowId,
                action: 'republish',
                attempts: 0,
                ok: false,
                expected: {},
                actual: { version: f.publishedVersion },
                error: 'The flow had no published version before this release, so there is nothing to restore. Deactivate it or publish a known-good version in Architect.'
            };
        }
        else {
            r = await restoreContent(ctx, f, f.snapshot, opts.deadlineAt, f.publishedVersion);
        }
        journalFlow(ctx, f.stage, r);
        results.push(r);
    }
    return { ok: results.every((r) => r.ok), results, kept };
}
/** Hash recorded content the same way exports are hashed, so restore verification compares like with like. */
function recordedTarget(content, version) {
    return { version, content, hash: exportHash(content) };
}

// EXTERNAL MODULE: ./src/ledger/errors.ts
var ledger_errors = __webpack_require__(99706);
;// CONCATENATED MODULE: ./src/release/write-ahead.ts
// Before the first change to the org (after the snapshots, which are reads): refuse what cannot be rolled back, then
// take the org's lock and record in the ledger what the release may change — each flow's id, the version live before
// it and that version's content (the snapshot, without its export header, stored as a content-addressed blob: the
// rollback target), and what the release is about to publish — in one push.




/** The content a rollback would upload for a snapshot: the export without its header comments. */
function rollbackContent(snap) {
    return stripExportHeader(snap.raw);
}
/**
 * Flows whose rollback content would not fit in one upload: an export can be larger than the upload that made it, so
 * a flow near the limit could be published but never restored. Known before any change: the release is refused.
 */
function oversizedSnapshots(snapshots) {
    const out = [];
    for (const s of snapshots.values()) {
        const bytes = Buffer.byteLength(rollbackContent(s), 'utf8');
        if (bytes > MAX_UPLOAD_BYTES) {
            out.push(`"${s.name}": the export of its live version ${s.version} is ${bytes} bytes, more than the ${MAX_UPLOAD_BYTES} bytes ` +
                'Genesys Cloud accepts per upload, so it could not be restored if this release had to roll back. Make the ' +
                'live flow smaller (common modules) before releasing over it.');
        }
    }
    return out;
}
/** The flows the release may change, from the stage about to start to the last, as the ledger records them. */
function startFlows(run, plan, fromStage) {
    const ledger = run.ledger;
    return plan.stages
        .filter((s) => s.index >= fromStage)
        .flatMap((s) => s.flows)
        .filter((f) => f.action === 'create' || f.action === 'update')
        .map((f) => {
        const snap = f.flowId ? run.work.snapshots?.get(f.flowId) : undefined;
        const content = snap ? ledger.putBlob(rollbackContent(snap)) : undefined;
        return {
            name: f.name,
            type: f.type,
            // Only a flow that existed has an id here: a flow without one is one the release creates.
            ...(f.flowId ? { flowId: f.flowId } : {}),
            before: { version: f.publishedVersion ?? null, ...(content ? { content } : {}) },
            intended: { source: f.source, ...(f.contentHash ? { contentHash: f.contentHash } : {}) }
        };
    });
}
/** Takes the lock and records the release in progress. Returns the refusal (nothing was changed) or undefined. */
async function writeAhead(run, plan, fromStage) {
    const oversized = oversizedSnapshots(run.work.snapshots ?? new Map());
    if (oversized.length > 0)
        return `Refused before any change: ${oversized.join(' | ')}`;
    const ledger = run.ledger;
    if (!ledger || ledger.begun)
        return undefined;
    try {
        await ledger.begin(run.opts.command === 'rollback' ? 'rollback' : 'deploy', startFlows(run, plan, fromStage));
        return undefined;
    }
    catch (e) {
        if (e instanceof ledger_errors/* LockHeldError */.R)
            return e.message;
        return `Could not record the release in the ledger before changing the org, so nothing was changed: ${(0,genesys_errors/* errorText */.kc)(e)}`;
    }
}

;// CONCATENATED MODULE: ./src/release/on-failure.ts








/** The content before the release to restore: the ledger's copy when there is a ledger, else the run's snapshot. */
async function restoreTarget(run, c) {
    if (!c.snapshot)
        return undefined;
    if (run.ledger) {
        // A rollback target is always the last known-good content from the ledger, never what happens to be live.
        const before = run.ledger.doc?.inProgress?.flows.find((f) => f.name === c.name && f.type === c.type)?.before;
        if (!before?.content || !before.version)
            return undefined;
        try {
            const content = await run.ledger.getBlob(before.content);
            return { version: before.version, content, hash: exportHash(content) };
        }
        catch (e) {
            const message = `The ledger's content of "${c.name}" before this release cannot be read: ${(0,genesys_errors/* errorText */.kc)(e)}`;
            run.ctx.journal.append('warning', { flow: c.name, status: 'warning', details: { message } });
            return undefined;
        }
    }
    const snap = run.work.snapshots?.get(c.flowId);
    return snap ? { version: snap.version, content: rollbackContent(snap), hash: snap.hash } : undefined;
}
/** What this run changed (the journal's facts) with what to restore it to (ledger content, settle). */
async function changedFlows(run) {
    return Promise.all(run.view().changed.map(async (c) => ({
        name: c.name,
        type: c.type,
        stage: c.stage,
        flowId: c.flowId,
        created: c.created,
        snapshot: await restoreTarget(run, c),
        publishedVersion: c.publishedVersion,
        settle: run.work.settle.get(c.name),
        seq: c.seq
    })));
}
function journalCancelled(run, stage) {
    run.ctx.journal.append('cancelled', { stage, status: 'warning', details: { signal: abortReason(run.ctx.signal) } });
}
/** Round 0: the failed stage's checks on the restored versions, journaled as evidence (the outcome stays). */
async function recheck(run, stage) {
    const { ctx } = run;
    try {
        await runStageChecks(ctx, runSpec(stage), 0, run.view().live, ctx.clock.now());
    }
    catch (e) {
        if (!isCancellation(ctx, e)) {
            ctx.journal.append('warning', {
                status: 'warning',
                details: { message: `Post-rollback checks could not run: ${(0,genesys_errors/* errorText */.kc)(e)}` }
            });
        }
    }
}
async function rollbackAndFinish(run, failedStage, reason) {
    const { ctx } = run;
    const changed = await changedFlows(run);
    const flows = rollbackOrder(changed).map((c) => c.name);
    if (!ctx.manifest.rollback.automatic)
        return conclude(run, { kind: 'rollback-off', reason, flows });
    const stage = failedStage?.spec.name;
    ctx.journal.append('rollback-started', { stage, status: 'warning', details: { reason, flows } });
    ctx.log.startGroup(`Rollback: ${flows.join(', ')}`);
    // A cancellation during the rollback starts no further restore (the signal is passed down); what is done stays.
    let results;
    let ok;
    let cancelled;
    try {
        const r = await rollbackFlows(ctx, changed, { newFlows: ctx.manifest.rollback.newFlows });
        cancelled = ctx.signal?.aborted === true;
        results = r.results;
        ok = r.ok && !cancelled;
    }
    finally {
        ctx.log.endGroup();
    }
    // The signal is journaled before the rollback closes: restores left unverified were cut by it (outcome.ts).
    if (cancelled)
        journalCancelled(run, stage);
    ctx.journal.append('rollback-finished', { stage, status: ok ? 'ok' : 'error', details: { ok, flows: results } });
    if (cancelled) {
        for (const r of results.filter((x) => !x.ok && x.attempts > 0)) {
            ctx.journal.append('warning', {
                stage,
                flow: r.name,
                status: 'warning',
                details: {
                    message: `Cancelled while its rollback publish for "${r.name}" was running: it may still publish on the platform; the flow's state is unknown.`,
                    inFlight: { what: 'its rollback publish', flowId: r.flowId }
                }
            });
        }
        return finishCancelled(run, stage, reason);
    }
    if (ok && failedStage && failedStage.spec.checks.length > 0)
        await recheck(run, failedStage);
    return conclude(run, { kind: 'rollback-done', reason, flows });
}
/** A stage failed: stop on a cancellation, else roll back what changed. */
async function finishFailedStage(run, failure) {
    const stage = failure.stage.spec.name;
    if (failure.cancelled || run.ctx.signal?.aborted) {
        journalCancelled(run, stage);
        return finishCancelled(run, stage);
    }
    const reason = `Stage ${stage}: ${failure.reason}`;
    if (run.view().changed.length === 0)
        return conclude(run, { kind: 'stage-failed', reason });
    return rollbackAndFinish(run, failure.stage, reason);
}
/** Cancellation outside a stage (the plan), or a bug: nothing of ours may be left half-done. */
async function finishCrashed(run, e) {
    const { ctx } = run;
    if (isCancellation(ctx, e) || ctx.signal?.aborted) {
        journalCancelled(run, undefined);
        return finishCancelled(run);
    }
    ctx.journal.append('error', { status: 'error', details: { message: (0,genesys_errors/* errorText */.kc)(e), error: String(e) } });
    if (run.view().changed.length === 0)
        return conclude(run, { kind: 'crashed', error: (0,genesys_errors/* errorText */.kc)(e) });
    return rollbackAndFinish(run, undefined, (0,genesys_errors/* errorText */.kc)(e));
}

;// CONCATENATED MODULE: ./src/sources/draft.ts
/** Numeric comparison of Genesys version ids such as "14.0" (a string compare would put "9.0" after "10.0"). */
function draft_compareVersions(a, b) {
    const pa = a.split('.').map((x) => Number.parseInt(x, 10));
    const pb = b.split('.').map((x) => Number.parseInt(x, 10));
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const x = pa[i] ?? 0;
        const y = pb[i] ?? 0;
        if (Number.isNaN(x) || Number.isNaN(y))
            return a.localeCompare(b);
        if (x !== y)
            return x - y;
    }
    return 0;
}
function plan({ spec, org, recorded: rec, lastReleaseId }) {
    if (!org) {
        return {
            action: 'create',
            reason: 'missing in the org',
            error: `Flow "${spec.name}" (${spec.type}) has source: draft but does not exist in the org. Create and check it in with Architect first, or give it a file: in the manifest.`
        };
    }
    const published = org.publishedVersion?.id;
    const checkedIn = org.checkedInVersion?.id;
    if (checkedIn && (!published || draft_compareVersions(checkedIn, published) > 0)) {
        return {
            action: 'update',
            draftVersion: checkedIn,
            reason: `promote checked-in version ${checkedIn} over published ${published ?? 'none'}`
        };
    }
    if (rec && rec.id === org.id && rec.version === published) {
        return {
            action: 'unchanged',
            reason: `no checked-in version newer than published ${published}, as recorded by release ${lastReleaseId}`
        };
    }
    return {
        action: 'update',
        reason: 'nothing to promote',
        error: `Flow "${spec.name}" has source: draft but no checked-in version newer than the published one ` +
            `(checked in ${checkedIn ?? 'none'}, published ${published ?? 'none'}). Check in the draft in Architect, or remove the flow from this release.`
    };
}
const draftSource = {
    kind: 'draft',
    plan,
    validatedBeforeRelease: true,
    publish: (_spec, planned, via) => via.promoteVersion(planned.draftVersion),
    contentHash: () => undefined
};

;// CONCATENATED MODULE: ./src/sources/file.ts
function file_plan({ spec, org, recorded: rec, lastReleaseId }) {
    const contentHash = spec.contentHash;
    if (!org)
        return { action: 'create', reason: 'does not exist in the org', contentHash };
    if (!rec || rec.contentHash !== spec.contentHash) {
        const reason = rec ? 'content changed since the last release' : 'no record of a previous release of this content';
        return { action: 'update', reason, contentHash };
    }
    const published = org.publishedVersion?.id;
    if (rec.id === org.id && rec.version === published) {
        return {
            action: 'unchanged',
            reason: `same content as release ${lastReleaseId}, still published as version ${rec.version}`,
            contentHash
        };
    }
    return {
        action: 'update',
        drift: { recordedVersion: rec.version, actualVersion: published },
        reason: `drift: release ${lastReleaseId} left version ${rec.version}, the org publishes ${published ?? 'nothing'}`,
        contentHash
    };
}
const fileSource = {
    kind: 'file',
    plan: file_plan,
    validatedBeforeRelease: false,
    publish: (spec, _planned, via) => via.architectJob(spec.content),
    contentHash: (spec) => spec.contentHash
};

;// CONCATENATED MODULE: ./src/sources/registry.ts


const SOURCES = {
    file: fileSource,
    draft: draftSource
};
class UnknownFlowSourceError extends Error {
    flow;
    source;
    constructor(flow, source) {
        super(`Flow "${flow}" has source "${source}", which this version of Flow Release does not know (known: ${Object.keys(SOURCES).join(', ')}).`);
        this.name = 'UnknownFlowSourceError';
        this.flow = flow;
        this.source = source;
    }
}
/** The source of a flow spec; throws UnknownFlowSourceError for a kind not in the registry. */
function sourceOf(spec) {
    const kind = spec.source;
    if (!Object.hasOwn(SOURCES, kind))
        throw new UnknownFlowSourceError(spec.name, kind);
    return SOURCES[kind];
}

// EXTERNAL MODULE: ./src/ledger/schema.ts
var ledger_schema = __webpack_require__(60870);
;// CONCATENATED MODULE: ./src/ledger/history.ts
// Pure queries over a ledger document's release history (and the release in progress), and the capped append.
// Flows are identified by name and type, as in the manifest; the flow id is carried along for the caller.
//
// "Good" for a flow in a history entry: the release ended `succeeded` or `rolled-back` and the flow was left live
// (`published`, `unchanged` or `restored`), so its version and content were verified live and healthy (or restored
// to what was). A release that failed or whose rollback failed proves nothing about what it left behind.

const sameFlow = (a, b) => a.name === b.name && a.type === b.type;
const keyOf = (f) => `${f.type}\u0000${f.name}`;
function isGood(entry, flow) {
    return (entry.outcome === 'succeeded' || entry.outcome === 'rolled-back') && ledger_schema/* LIVE_STATES */._d.includes(flow.state);
}
/** The newest history entry where `flow` was live and good, with that flow's line. */
function newestGood(history, flow) {
    for (let i = history.length - 1; i >= 0; i--) {
        const entry = history[i];
        const f = entry.flows.find((x) => sameFlow(x, flow));
        if (f && isGood(entry, f))
            return { entry, flow: f };
    }
    return undefined;
}
/**
 * A flow's rollback target: the content that was live before the release in progress (what a dead run's release
 * must be rolled back to), else the newest history entry where it was live and good. Undefined when the ledger knows
 * no content for it (e.g. a flow the release in progress creates: its rollback is a delete).
 */
function lastKnownGood(doc, flow, options = {}) {
    if (!doc)
        return undefined;
    const running = options.includeInProgress === false ? undefined : doc.inProgress;
    const before = running?.flows.find((f) => sameFlow(f, flow))?.before;
    if (running && before?.content !== undefined) {
        const flowId = running.flows.find((f) => sameFlow(f, flow))?.flowId;
        return {
            content: before.content,
            version: before.version,
            flowId,
            releaseId: running.releaseId,
            source: 'in-progress-before'
        };
    }
    const good = newestGood(doc.history, flow);
    if (!good)
        return undefined;
    return {
        content: good.flow.content,
        version: good.flow.version,
        flowId: good.flow.id,
        releaseId: good.entry.releaseId,
        source: 'history'
    };
}
/**
 * `command: rollback`: the newest succeeded release that differs from what is live now in at least one of its live
 * flows. `live` returns the content address of what the org runs now for a flow (undefined: unknown or absent).
 */
function newestGoodReleaseDifferingFrom(doc, live) {
    const history = doc?.history ?? [];
    for (let i = history.length - 1; i >= 0; i--) {
        const entry = history[i];
        if (entry.outcome !== 'succeeded')
            continue;
        if (entry.flows.some((f) => ledger_schema/* LIVE_STATES */._d.includes(f.state) && f.content !== live(f)))
            return entry;
    }
    return undefined;
}
function findRelease(doc, releaseId) {
    return doc?.history.find((h) => h.releaseId === releaseId);
}
/**
 * Flows of the newest finished release that are not in `names` (e.g. removed from the manifest) and were not left
 * deleted. A release of a subset (the `flows` input) lists only that subset, so callers pass the whole manifest.
 */
function orphans(doc, names) {
    const last = doc?.history.at(-1);
    if (!last)
        return [];
    const keep = new Set(names);
    return last.flows.filter((f) => !keep.has(f.name) && f.state !== 'deleted');
}
/**
 * At most `limit` newest entries, plus, for every flow of a dropped entry, its newest good entry when no kept entry
 * is good for it: every flow's last known-good content stays restorable however old it is. Order is kept.
 */
function trimHistory(history, limit = ledger_schema/* HISTORY_LIMIT */.Dc) {
    if (history.length <= limit)
        return history;
    const cut = history.length - limit;
    const kept = new Set();
    for (let i = cut; i < history.length; i++)
        kept.add(i);
    const covered = new Set();
    for (let i = cut; i < history.length; i++) {
        const e = history[i];
        for (const f of e.flows)
            if (isGood(e, f))
                covered.add(keyOf(f));
    }
    for (let i = cut - 1; i >= 0; i--) {
        const e = history[i];
        const needed = e.flows.filter((f) => isGood(e, f) && !covered.has(keyOf(f)));
        if (needed.length === 0)
            continue;
        kept.add(i);
        for (const f of needed)
            covered.add(keyOf(f));
    }
    return history.filter((_, i) => kept.has(i));
}
/** The document with `entry` appended (newest last) and the history trimmed to the cap. */
function appendHistory(doc, entry, limit = ledger_schema/* HISTORY_LIMIT */.Dc) {
    if (doc.history.some((h) => h.releaseId === entry.releaseId)) {
        return doc; // already recorded (a retried finish): the history is append-only, never rewritten
    }
    return { ...doc, history: trimHistory([...doc.history, entry], limit) };
}

;// CONCATENATED MODULE: ./src/release/plan.ts






/** Apply the `flows` input; unknown names are an error (a typo must not silently release nothing). */
function filterFlows(all, filter) {
    const names = new Set(all.map((f) => f.name));
    if (!filter || filter.length === 0)
        return { keep: names, unknown: [] };
    const wanted = filter.map((n) => n.trim()).filter(Boolean);
    return { keep: new Set(wanted.filter((n) => names.has(n))), unknown: wanted.filter((n) => !names.has(n)) };
}
const recordKey = (type, name) => `${type.toLowerCase()}\u0000${name}`;
/** One selected flow: find it in the org, ask its source, then refuse a lock (or plan a force-unlock). */
function planFlow(ctx, spec, stage, look, errors) {
    const matches = (look.byType.get(spec.type) ?? []).filter((f) => f.name === spec.name && sameType(f.type, spec.type) && !f.deleted);
    const p = {
        name: spec.name,
        type: spec.type,
        stage,
        action: 'update',
        source: spec.source,
        reason: '',
        spec,
        unlock: false
    };
    if (matches.length > 1) {
        errors.push(`${matches.length} ${spec.type} flows are named "${spec.name}" (${matches.map((m) => m.id).join(', ')}); rename or delete the extra ones so the name is unique.`);
        p.reason = 'ambiguous name';
        return p;
    }
    const org = matches[0];
    p.org = org;
    p.flowId = org?.id;
    p.publishedVersion = org?.publishedVersion?.id;
    let decided;
    try {
        decided = sourceOf(spec).plan({
            spec,
            org,
            recorded: look.recorded.get(recordKey(spec.type, spec.name)),
            lastReleaseId: look.releaseOf?.get(recordKey(spec.type, spec.name)) ?? look.lastReleaseId
        });
    }
    catch (e) {
        if (!(e instanceof UnknownFlowSourceError))
            throw e;
        errors.push(e.message);
        p.reason = 'unknown flow source';
        return p;
    }
    const { error, ...decision } = decided;
    Object.assign(p, decision);
    if (error)
        errors.push(error);
    checkLockAndDrift(ctx, p, errors);
    return p;
}
function checkLockAndDrift(ctx, p, errors) {
    const { spec, org, stage } = p;
    if (org?.lockedUser && p.action !== 'unchanged') {
        const who = org.lockedUser.name ?? org.lockedUser.id;
        p.lockedBy = who;
        if (spec.forceUnlock) {
            p.unlock = true;
            p.reason += `; locked by ${who}, will be force-unlocked (force-unlock: true)`;
        }
        else {
            const reason = `Flow "${spec.name}" is checked out in Architect by ${who}. Ask them to check it in or discard their changes, or set force-unlock: true on this flow in the manifest to unlock it (their unsaved work is lost).`;
            errors.push(reason);
            ctx.journal.append('flow-refused', {
                flow: spec.name,
                stage,
                status: 'error',
                details: { flowId: org.id, reason, lockedBy: who }
            });
            ctx.log.error(reason);
        }
    }
    if (p.drift) {
        ctx.journal.append('drift-detected', {
            flow: spec.name,
            stage,
            status: 'warning',
            details: { flowId: org.id, recordedVersion: p.drift.recordedVersion, actualVersion: p.drift.actualVersion }
        });
        ctx.log.warning(`Drift on "${spec.name}": ${p.reason}; it will be republished.`);
    }
}
/**
 * With a ledger, each flow's record is its last good one in the ledger's history (whatever happened to the artifact
 * commit): unchanged when the manifest's content hash and the live version match it.
 */
function ledgerRecords(doc) {
    const recorded = new Map();
    const releaseOf = new Map();
    for (let i = doc.history.length - 1; i >= 0; i--) {
        const entry = doc.history[i];
        for (const f of entry.flows) {
            const key = recordKey(f.type, f.name);
            if (recorded.has(key) || !isGood(entry, f) || f.version === null)
                continue;
            recorded.set(key, {
                name: f.name,
                type: f.type,
                id: f.id,
                version: f.version,
                contentHash: f.uploaded ?? '',
                file: ''
            });
            releaseOf.set(key, entry.releaseId);
        }
    }
    return { recorded, releaseOf };
}
async function buildPlan(ctx, opts) {
    const { manifest } = ctx;
    const errors = artifactCollisions(manifest.flows);
    const { keep } = filterFlows(manifest.flows, opts.flowsFilter);
    const stageOf = new Map();
    for (const s of manifest.stages)
        for (const f of s.flows)
            stageOf.set(f, s.name);
    const selected = manifest.flows.filter((f) => keep.has(f.name));
    const look = opts.ledger
        ? { byType: new Map(), ...ledgerRecords(opts.ledger) }
        : {
            byType: new Map(),
            recorded: new Map((opts.lastRecord?.flows ?? []).map((r) => [recordKey(r.type, r.name), r])),
            lastReleaseId: opts.lastRecord?.releaseId
        };
    for (const type of new Set(selected.map((f) => f.type))) {
        look.byType.set(type, await ctx.api.listFlows(type));
    }
    const flows = manifest.flows.map((spec) => {
        const stage = stageOf.get(spec.name) ?? '';
        if (keep.has(spec.name))
            return planFlow(ctx, spec, stage, look, errors);
        return {
            name: spec.name,
            type: spec.type,
            stage,
            action: 'skipped',
            source: spec.source,
            reason: 'not in the flows input',
            spec,
            unlock: false
        };
    });
    await validateDrafts(ctx, flows.filter((f) => f.action === 'update' && f.flowId && f.draftVersion && sourceOf(f.spec).validatedBeforeRelease), errors);
    const stages = manifest.stages
        .map((spec, index) => ({
        spec,
        index,
        // Stage order, not manifest order: the stage lists its flows in the order they should go out.
        flows: spec.flows
            .map((n) => flows.find((f) => f.name === n && f.action !== 'skipped'))
            .filter((f) => f !== undefined)
    }))
        .filter((s) => s.flows.length > 0);
    return { flows, stages, errors };
}
/**
 * Two flows whose exports would be committed to the same file (`Queue (A)` and `Queue [A]` both become
 * `Queue _A_.yaml`; names that differ only in case collide on case-insensitive file systems): known before any change.
 */
function artifactCollisions(flows) {
    const byPath = new Map();
    for (const f of flows) {
        const key = artifactPath(f.type, f.name).toLowerCase();
        byPath.set(key, [...(byPath.get(key) ?? []), f.name]);
    }
    return [...byPath]
        .filter(([, names]) => names.length > 1)
        .map(([path, names]) => `Flows ${names.map((n) => `"${n}"`).join(' and ')} would be committed to the same artifact file (${path}, ` +
        'ignoring case): rename one of them so their file names differ in more than punctuation or case.');
}
/** One validate job for every draft to promote; Error messages block the release. */
async function validateDrafts(ctx, drafts, errors) {
    if (drafts.length === 0)
        return;
    try {
        const reg = await ctx.api.registerValidateJob(drafts.map((d) => ({ flowId: d.flowId, version: d.draftVersion })));
        const job = await waitForPlatformJob(ctx, { what: 'validate job', id: reg.id, poll: () => ctx.api.getValidateJob(reg.id), expectedLatencyMs: 2000 }, { signal: ctx.signal });
        const msgs = job.messages ?? [];
        const errs = msgs.filter((m) => m.type === 'Error').map((m) => m.text ?? 'unnamed error');
        for (const w of msgs.filter((m) => m.type === 'Warning'))
            ctx.log.warning(`Validation warning: ${w.text ?? ''}`);
        const names = drafts.map((d) => `"${d.name}" v${d.draftVersion}`).join(', ');
        if (errs.length > 0 || job.status === 'Failure') {
            const text = errs.length ? errs.join('; ') : 'the validate job failed without messages';
            errors.push(`Validation of ${names} failed: ${text}. Fix the flow in Architect and check it in again.`);
            for (const d of drafts)
                d.reason += '; validation failed';
        }
        else {
            for (const d of drafts)
                d.reason += '; validated';
        }
    }
    catch (e) {
        if (isCancellation(ctx, e))
            throw e;
        errors.push(`Could not validate the drafts to promote: ${(0,genesys_errors/* errorText */.kc)(e)}`);
    }
}

;// CONCATENATED MODULE: ./src/release/recovery.ts








/** A job still `Registered` this long after we first saw it was never uploaded (its run is dead): it does nothing. */
const REGISTERED_GRACE_MS = 15_000;
const created = (f) => f.before.version === null && f.flowId === undefined;
/** The flow's id now: recorded, else found by name (a flow the dead run created). */
async function currentId(run, f) {
    if (f.flowId)
        return f.flowId;
    const found = await run.ctx.api.findFlowsByName(f.name, f.type);
    return found.find((x) => x.name === f.name && sameType(x.type, f.type) && !x.deleted)?.id;
}
/** What is live now for one flow of the dead release, and who published it when (version metadata). */
async function recovery_describe(run, f) {
    const { api } = run.ctx;
    const out = {
        name: f.name,
        type: f.type,
        beforeVersion: f.before.version,
        jobs: f.jobs.map((j) => j.id),
        live: null
    };
    try {
        const id = await currentId(run, f);
        if (!id)
            return out;
        out.flowId = id;
        const flow = await api.getFlow(id);
        const version = flow.deleted ? null : (flow.publishedVersion?.id ?? null);
        out.live = { version };
        if (version) {
            const v = await api.getFlowVersion(id, version);
            const who = (r) => (r ? (r.name ?? r.id) : undefined);
            const by = who(v.createdBy);
            const client = who(v.createdByClient);
            Object.assign(out.live, {
                ...(by ? { createdBy: by } : {}),
                ...(client ? { createdByClient: client } : {}),
                ...(v.datePublished ? { datePublished: v.datePublished } : {})
            });
        }
    }
    catch (e) {
        if (!isNotFound(e))
            run.ctx.log.warning(`Could not read "${f.name}" for the recovery report: ${(0,genesys_errors/* errorText */.kc)(e)}`);
    }
    return out;
}
/** Waits for every job and operation the dead run registered to end (bounded by the manifest's job timeout). */
async function waitForDeadJobs(run, dead) {
    const { ctx } = run;
    const deadlineAt = ctx.clock.now() + ctx.manifest.jobTimeoutMs;
    const waits = dead.flows.flatMap((f) => f.jobs
        .filter((j) => j.kind === 'architect' && j.state !== 'succeeded' && j.state !== 'failed')
        .map(async (j) => {
        let registeredSince;
        await (0,wait/* waitFor */.fm)({
            what: 'dead run publish job',
            id: j.id,
            poll: () => ctx.api.getArchitectJob(j.id).catch((e) => {
                if (isNotFound(e))
                    return { status: 'Gone' };
                throw e;
            }),
            done: (s) => {
                if (s.status !== 'Registered')
                    return s.status !== 'Started';
                registeredSince ??= ctx.clock.now();
                return ctx.clock.now() - registeredSince >= REGISTERED_GRACE_MS;
            },
            state: (s) => s.status,
            clock: ctx.clock,
            log: ctx.log,
            deadlineMs: ctx.manifest.jobTimeoutMs,
            deadlineAt,
            signal: ctx.signal,
            expectedLatencyMs: 2000
        }).catch((e) => ctx.log.warning(`Waiting for job ${j.id} of "${f.name}": ${(0,genesys_errors/* errorText */.kc)(e)}`));
    }));
    await Promise.all(waits);
}
/** Restores one flow to the dead run's `before` (or deletes what it created), verified. */
async function restoreFlow(run, f, found) {
    const { ctx } = run;
    const flow = { name: f.name, type: f.type, flowId: found.flowId ?? '', stage: '' };
    if (created(f)) {
        return deleteCreated(ctx, { ...flow, created: true, seq: 0 });
    }
    if (!f.before.content || !found.flowId) {
        return {
            ...flow,
            action: 'republish',
            attempts: 0,
            ok: found.live?.version === f.before.version,
            expected: { version: f.before.version ?? undefined },
            actual: { version: found.live?.version ?? undefined },
            ...(found.live?.version === f.before.version
                ? {}
                : { error: 'the ledger holds no content for it before the dead run: restore it by hand' })
        };
    }
    const content = await run.ledger.getBlob(f.before.content);
    const target = recordedTarget(content, f.before.version ?? undefined);
    const live = found.live?.version ?? null;
    if (live !== null && (await holdsKnownGood(run, f, found.flowId, live, target.hash))) {
        // Already at its last known-good content (the dead run never changed it, or its own rollback restored it):
        // proven by the version's identity or by comparing exports, so nothing is republished.
        ctx.log.info(`"${f.name}": version ${live} already holds its last known-good content; nothing to restore.`);
        const proof = { version: live, contentHash: target.hash };
        return { ...flow, action: 'republish', attempts: 0, ok: true, expected: proof, actual: proof };
    }
    return restoreContent(ctx, flow, target);
}
/**
 * Whether the live version holds the known-good content: it is the version the ledger recorded with that content
 * (before the dead run, or the dead run's own verified restore), or its export equals the known-good export.
 */
async function holdsKnownGood(run, f, flowId, live, knownGoodHash) {
    if (live === f.before.version)
        return true;
    if (f.result?.state === 'restored' && f.result.version === live)
        return true;
    try {
        const got = await exportVersions(run.ctx, [{ name: f.name, type: f.type, flowId, version: live }], {
            signal: run.ctx.signal
        });
        return got.get(flowId)?.hash === knownGoodHash;
    }
    catch (e) {
        run.ctx.log.warning(`Could not export "${f.name}" version ${live} to compare it: ${(0,genesys_errors/* errorText */.kc)(e)}; restoring it.`);
        return false;
    }
}
function recoveryEntry(run, dead, results, startedAt) {
    const flows = dead.flows.flatMap((f) => {
        const r = results.find((x) => x.name === f.name);
        if (!r?.ok || !r.flowId)
            return [];
        if (r.action === 'delete')
            return [{ name: f.name, type: f.type, id: r.flowId, version: null, state: 'deleted' }];
        if (!r.actual.version || !f.before.content)
            return [];
        return [
            {
                name: f.name,
                type: f.type,
                id: r.flowId,
                version: r.actual.version,
                content: f.before.content,
                state: 'restored'
            }
        ];
    });
    const entry = {
        releaseId: `${run.ctx.releaseId}-recover`,
        command: 'recover',
        outcome: 'rolled-back',
        startedAt,
        finishedAt: new Date(run.ctx.clock.now()).toISOString(),
        flows
    };
    return entry;
}
/** The dead release's own history line per flow: what was found live (its outcome is unknown: `failed`). */
function deadFlows(found) {
    return found.flatMap((f) => f.flowId ? [{ name: f.name, type: f.type, id: f.flowId, version: f.live?.version ?? null, state: 'unknown' }] : []);
}
/**
 * Runs before anything else of a deploy or a rollback. Returns the run's result when it must stop (a live holder,
 * on-unfinished: stop, a failed recovery), undefined to go on (holding the lock after a recovery).
 */
async function recoverFirst(run, command) {
    const ledger = run.ledger;
    if (!ledger)
        return undefined;
    const dead = ledger.doc?.inProgress;
    try {
        await ledger.checkLock(dead ? 'recover' : command);
    }
    catch (e) {
        if (!(e instanceof ledger_errors/* LockHeldError */.R))
            throw e;
        return refuse(run, { kind: 'refused', message: `${e.message} Nothing was changed.` });
    }
    if (!dead || dead.releaseId === ledger.holder)
        return undefined;
    const startedAt = new Date(run.ctx.clock.now()).toISOString();
    const found = await Promise.all(dead.flows.map((f) => recovery_describe(run, f)));
    const onUnfinished = ledger.handle.onUnfinished ?? 'restore';
    run.ctx.journal.append('recovery-started', {
        status: 'warning',
        details: {
            releaseId: dead.releaseId,
            ...(dead.runUrl ? { runUrl: dead.runUrl } : {}),
            startedAt: dead.startedAt,
            onUnfinished,
            flows: found
        }
    });
    const what = `Release ${dead.releaseId}${dead.runUrl ? ` (run ${dead.runUrl})` : ''}, started ${dead.startedAt}, did not finish: it may have changed ${dead.flows.map((f) => f.name).join(', ')}.`;
    run.ctx.log.warning(what);
    if (onUnfinished === 'stop') {
        return refuse(run, {
            kind: 'refused',
            message: `${what} on-unfinished: stop — nothing was changed. Re-run with on-unfinished: restore to restore those flows to their last known-good content.`
        });
    }
    return restoreDead(run, dead, found, startedAt, what);
}
async function restoreDead(run, dead, found, startedAt, what) {
    const ledger = run.ledger;
    const { ctx } = run;
    try {
        await ledger.acquire('recover');
    }
    catch (e) {
        if (!(e instanceof ledger_errors/* LockHeldError */.R))
            throw e;
        return refuse(run, { kind: 'refused', message: `${e.message} Nothing was changed.` });
    }
    ledger.recordInto(dead.releaseId);
    ctx.log.startGroup(`Recover release ${dead.releaseId}`);
    const results = [];
    try {
        await waitForDeadJobs(run, dead);
        for (const f of [...dead.flows].reverse()) {
            if (ctx.signal?.aborted)
                break;
            results.push(await restoreFlow(run, f, found.find((x) => x.name === f.name && x.type === f.type)));
        }
    }
    finally {
        ctx.log.endGroup();
    }
    const ok = results.length === dead.flows.length && results.every((r) => r.ok);
    const entry = recoveryEntry(run, dead, results, startedAt);
    if (ok) {
        await ledger.finish({
            releaseId: dead.releaseId,
            outcome: 'failed',
            flows: deadFlows(found),
            releaseLock: false,
            then: (d) => appendHistory(d, entry)
        });
    }
    ctx.journal.append('recovery-finished', {
        status: ok ? 'ok' : 'error',
        details: { releaseId: dead.releaseId, ok, flows: results, ...(ok ? { recordedAs: entry.releaseId } : {}) }
    });
    if (ok) {
        ctx.log.info(`Recovered release ${dead.releaseId}: every flow is back at its last known-good content, verified.`);
        return undefined;
    }
    const bad = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error ?? 'not restored'}`);
    return refuse(run, {
        kind: 'refused',
        message: `${what} Its recovery did not restore every flow (${bad.join('; ') || 'cancelled'}); it stays in progress in the ledger for the next run. Nothing else was changed.`
    });
}

;// CONCATENATED MODULE: ./src/release/ledger-rollback.ts













/** What each flow of the history publishes now, by flow id: one getFlow each, one export job for all. */
async function readLive(run, flows) {
    const { api } = run.ctx;
    const live = new Map();
    const byId = new Map(flows.map((f) => [f.id, f]));
    for (const [id] of byId) {
        try {
            const flow = await api.getFlow(id);
            live.set(id, { ...(flow.deleted ? {} : { version: flow.publishedVersion?.id }) });
        }
        catch (e) {
            if (!isNotFound(e))
                throw e;
            live.set(id, {});
        }
    }
    const toExport = [...live].filter(([, l]) => l.version);
    const exported = await exportVersions(run.ctx, toExport.map(([id, l]) => ({
        name: byId.get(id).name,
        type: byId.get(id).type,
        flowId: id,
        version: l.version
    })), { signal: run.ctx.signal });
    for (const [id, e] of exported)
        live.set(id, { ...live.get(id), content: stripExportHeader(e.raw), hash: e.hash });
    return live;
}
/** exportHash of each content address the candidates refer to (blobs compare with exports after normalisation). */
async function contentHashes(run, entries) {
    const out = new Map();
    for (const e of entries)
        for (const f of e.flows) {
            if (!f.content || out.has(f.content))
                continue;
            out.set(f.content, exportHash(await run.ledger.getBlob(f.content)));
        }
    return out;
}
function choose(run, live, hashes) {
    const doc = run.ledger.doc;
    const same = (f) => f.content !== undefined && hashes.get(f.content) === live.get(f.id)?.hash;
    const wanted = run.ledger.handle.rollbackTo;
    if (wanted) {
        const entry = findRelease(doc, wanted);
        if (!entry) {
            const known = (doc?.history ?? []).slice(-5).map((h) => `${h.releaseId} (${h.outcome})`);
            return {
                error: `rollback-to: release ${wanted} is not in the ledger's history (newest: ${known.join(', ') || 'none'}).`
            };
        }
        if (!entry.flows.some((f) => isGood(entry, f))) {
            return { error: `rollback-to: release ${wanted} ended ${entry.outcome} and left no flow known to be good.` };
        }
        return { entry, same };
    }
    const entry = newestGoodReleaseDifferingFrom(doc, (f) => (same(f) ? f.content : undefined));
    return entry ? { entry, same } : { error: undefined };
}
async function restoreAll(run, todo, live) {
    const { ctx } = run;
    const results = [];
    for (const f of todo) {
        if (ctx.signal?.aborted)
            break;
        const content = await run.ledger.getBlob(f.content);
        const r = await restoreContent(ctx, { name: f.name, type: f.type, flowId: f.id, stage: '' }, recordedTarget(content, live.get(f.id)?.version === f.version ? (f.version ?? undefined) : undefined));
        ctx.journal.append('rollback-flow', { flow: f.name, status: r.ok ? 'ok' : 'error', details: r });
        results.push(r);
    }
    return results;
}
async function ledgerRollback(run) {
    const { ctx, opts } = run;
    const ledger = run.ledger;
    const stopped = await recoverFirst(run, 'rollback');
    if (stopped)
        return stopped;
    const history = ledger.doc?.history ?? [];
    const candidates = history.filter((h) => h.outcome === 'succeeded' || h.outcome === 'rolled-back');
    const flows = candidates.flatMap((h) => h.flows.filter((f) => ledger_schema/* LIVE_STATES */._d.includes(f.state)));
    if (flows.length === 0) {
        return refuse(run, {
            kind: 'refused',
            message: `The release ledger of org ${ledger.handle.org.id} holds no good release to roll back to; nothing was changed.`
        });
    }
    const live = await readLive(run, flows);
    const chosen = choose(run, live, await contentHashes(run, candidates));
    if (!('entry' in chosen) || !chosen.entry) {
        if (chosen.error)
            return refuse(run, { kind: 'refused', message: `${chosen.error} Nothing was changed.` });
        // Every good release is what is live now (e.g. a recovery just restored the last one): nothing to restore.
        return conclude(run, { kind: 'restore-nothing', releaseId: candidates.at(-1).releaseId });
    }
    const { entry, same } = chosen;
    const { keep } = filterFlows(ctx.manifest.flows, opts.flowsFilter);
    const inScope = entry.flows.filter((f) => ledger_schema/* LIVE_STATES */._d.includes(f.state) && f.content && (!opts.flowsFilter?.length || keep.has(f.name)));
    const todo = inScope.filter((f) => !same(f));
    if (todo.length === 0)
        return conclude(run, { kind: 'restore-nothing', releaseId: entry.releaseId });
    return restoreEntry(run, entry, inScope, todo, live);
}
async function restoreEntry(run, entry, inScope, todo, live) {
    const { ctx, opts } = run;
    const ledger = run.ledger;
    try {
        await ledger.begin('rollback', todo.map((f) => {
            const l = live.get(f.id);
            const content = l?.content !== undefined ? ledger.putBlob(l.content) : undefined;
            return {
                name: f.name,
                type: f.type,
                flowId: f.id,
                before: { version: l?.version ?? null, ...(content ? { content } : {}) }
            };
        }));
    }
    catch (e) {
        const message = e instanceof ledger_errors/* LockHeldError */.R ? e.message : `Could not record the rollback in the ledger: ${(0,genesys_errors/* errorText */.kc)(e)}`;
        return refuse(run, { kind: 'refused', message: `${message} Nothing was changed.` });
    }
    ctx.journal.append('rollback-started', {
        status: 'warning',
        details: {
            reason: `command: rollback to release ${entry.releaseId}`,
            flows: todo.map((f) => f.name),
            fromVersions: Object.fromEntries(todo.map((f) => [f.name, live.get(f.id)?.version ?? null]))
        }
    });
    const results = await restoreAll(run, todo, live);
    const cancelled = ctx.signal?.aborted === true;
    const ok = results.length === todo.length && results.every((r) => r.ok) && !cancelled;
    if (cancelled)
        ctx.journal.append('cancelled', { status: 'warning', details: { signal: abortReason(ctx.signal) } });
    ctx.journal.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: results } });
    run.work.history = async () => rollbackHistory(inScope, results, live);
    const result = conclude(run, {
        kind: 'restore-done',
        releaseId: entry.releaseId,
        flows: todo.map((f) => f.name),
        signal: cancelled ? abortReason(ctx.signal) : undefined
    });
    if (result.outcome === 'succeeded' && opts.exportAfter)
        result.exports = await exportReleased(run);
    return result;
}
/** The rollback's history entry: restored flows at their new version with the target's content, the rest as found. */
function rollbackHistory(inScope, results, live) {
    return inScope.flatMap((f) => {
        const r = results.find((x) => x.name === f.name);
        const base = { name: f.name, type: f.type, id: r?.flowId ?? f.id };
        const carried = { content: f.content, ...(f.uploaded ? { uploaded: f.uploaded } : {}) };
        if (!r) {
            // Not restored because its content is already live (maybe under another version).
            const version = live.get(f.id)?.version;
            return version ? [{ ...base, version, ...carried, state: 'unchanged' }] : [];
        }
        if (r.ok && r.actual.version)
            return [{ ...base, version: r.actual.version, ...carried, state: 'restored' }];
        return [{ ...base, version: r.actual.version ?? null, state: 'unknown' }];
    });
}

;// CONCATENATED MODULE: ./src/release/rollback-command.ts







/** Read one recorded flow: a restore to do, undefined when it is still at the recorded version, or the refusal. */
async function readOne(run, rec) {
    const { ctx, opts } = run;
    let current;
    let lockedBy;
    try {
        const flow = await ctx.api.getFlow(rec.id);
        current = flow.deleted ? undefined : flow.publishedVersion?.id;
        lockedBy = flow.lockedUser ? (flow.lockedUser.name ?? flow.lockedUser.id) : undefined;
    }
    catch (e) {
        if (!isNotFound(e))
            return { error: `Could not read flow "${rec.name}": ${(0,genesys_errors/* errorText */.kc)(e)}` };
    }
    if (current === rec.version)
        return undefined;
    if (!opts.recordedContent?.get(rec.name)) {
        return {
            error: `The recorded export of "${rec.name}" (${ctx.manifest.artifacts.dir}/${rec.file}) is missing; it cannot be restored.`
        };
    }
    const spec = ctx.manifest.flows.find((f) => f.name === rec.name);
    if (lockedBy && !spec?.forceUnlock) {
        const reason = `Flow "${rec.name}" is checked out in Architect by ${lockedBy}. Ask them to check it in, or set force-unlock: true on it in the manifest.`;
        ctx.journal.append('flow-refused', {
            flow: rec.name,
            status: 'error',
            details: { flowId: rec.id, reason, lockedBy }
        });
        return { error: reason };
    }
    return { rec, current, unlock: lockedBy };
}
async function restoreOne(run, t) {
    const { ctx, opts } = run;
    const { rec } = t;
    if (t.unlock) {
        await ctx.api.unlockFlow(rec.id);
        ctx.journal.append('flow-unlocked', {
            flow: rec.name,
            status: 'warning',
            details: { flowId: rec.id, lockedBy: t.unlock }
        });
    }
    const content = opts.recordedContent.get(rec.name);
    const r = await restoreContent(ctx, { name: rec.name, type: rec.type, flowId: rec.id, stage: '' }, recordedTarget(content, rec.version));
    ctx.journal.append('rollback-flow', { flow: rec.name, status: r.ok ? 'ok' : 'error', details: r });
    return r;
}
async function rollbackCommand(run) {
    // With the org's ledger (always, from the action): its history, not release.json (ledger-rollback.ts).
    if (run.ledger)
        return ledgerRollback(run);
    const { ctx, opts } = run;
    const record = opts.lastRecord;
    if (!record)
        return refuse(run, { kind: 'no-record', dir: ctx.manifest.artifacts.dir });
    const releaseId = record.releaseId;
    const { keep } = filterFlows(ctx.manifest.flows, opts.flowsFilter);
    const filtered = opts.flowsFilter?.length ? record.flows.filter((f) => keep.has(f.name)) : record.flows;
    const todo = [];
    const errors = [];
    for (const rec of filtered) {
        const r = await readOne(run, rec);
        if (r && 'error' in r)
            errors.push(r.error);
        else if (r)
            todo.push(r);
    }
    if (errors.length > 0)
        return refuse(run, { kind: 'restore-refused', releaseId, errors }, errors);
    if (todo.length === 0)
        return conclude(run, { kind: 'restore-nothing', releaseId });
    const flows = todo.map((t) => t.rec.name);
    ctx.journal.append('rollback-started', {
        status: 'warning',
        details: {
            reason: `command: rollback to release ${releaseId}`,
            flows,
            fromVersions: Object.fromEntries(todo.map((t) => [t.rec.name, t.current ?? null]))
        }
    });
    const results = [];
    for (const t of todo) {
        if (ctx.signal?.aborted)
            break;
        results.push(await restoreOne(run, t));
    }
    const cancelled = ctx.signal?.aborted === true;
    const ok = results.length === todo.length && results.every((r) => r.ok) && !cancelled;
    // Start no new restore after the signal; the ones done stay done (each is a complete, verified republish).
    if (cancelled) {
        ctx.journal.append('cancelled', { status: 'warning', details: { signal: abortReason(ctx.signal) } });
    }
    ctx.journal.append('rollback-finished', { status: ok ? 'ok' : 'error', details: { ok, flows: results } });
    const result = conclude(run, {
        kind: 'restore-done',
        releaseId,
        flows,
        signal: cancelled ? abortReason(ctx.signal) : undefined
    });
    if (result.outcome === 'succeeded' && opts.exportAfter)
        result.exports = await exportReleased(run);
    return result;
}

;// CONCATENATED MODULE: ./src/release/pool.ts
// Bounded concurrency: at most `limit` tasks in flight. `canStart` is asked before each task starts so that a failure
// or a cancellation stops new work while the tasks already running finish (a started Genesys job cannot be stopped).
async function runBounded(items, limit, task, canStart = () => true) {
    const results = new Array(items.length).fill(undefined);
    let next = 0;
    const worker = async () => {
        while (next < items.length && canStart()) {
            const index = next++;
            results[index] = await task(items[index], index);
        }
    };
    const n = Math.max(1, Math.min(limit, items.length));
    await Promise.all(Array.from({ length: n }, () => worker()));
    return results;
}

;// CONCATENATED MODULE: ./src/release/publish-flow.ts




/**
 * Right before publishing: the flow must still be as the plan and the snapshot saw it. Another release or a person
 * may have published (or checked it out) since; publishing now would overwrite their change and make the snapshot
 * wrong. Returns the refusal, or the flow as read (for actions/publish).
 */
async function guardPublish(ctx, p) {
    if (!p.flowId) {
        const found = await ctx.api.findFlowsByName(p.name, p.type);
        const hit = found.find((f) => f.name === p.name && sameType(f.type, p.type) && !f.deleted);
        if (!hit)
            return {};
        return {
            refused: `"${p.name}" did not exist when planned, but now does (id ${hit.id}, published version ${hit.publishedVersion?.id ?? 'none'}) — another release or a person created it; refusing to overwrite. Re-run the release to plan it again.`
        };
    }
    let flow;
    try {
        flow = await ctx.api.getFlow(p.flowId);
    }
    catch (e) {
        if (!isNotFound(e))
            throw e;
    }
    const now = flow && !flow.deleted ? (flow.publishedVersion?.id ?? null) : undefined;
    const was = p.publishedVersion ?? null;
    if (now === undefined) {
        return { refused: `"${p.name}" (${p.flowId}) was deleted since the snapshot; refusing to recreate it.` };
    }
    if (now !== was) {
        return {
            refused: `"${p.name}": published version changed from ${was ?? 'none'} to ${now ?? 'none'} since the snapshot — another release or a person published it; refusing to overwrite. Re-run the release to plan it again.`
        };
    }
    const lockedBy = flow?.lockedUser ? (flow.lockedUser.name ?? flow.lockedUser.id) : undefined;
    if (lockedBy && !p.spec.forceUnlock) {
        return {
            refused: `"${p.name}" was checked out in Architect by ${lockedBy} since the plan; refusing to publish over it. Ask them to check it in, or set force-unlock: true on it in the manifest.`
        };
    }
    return { flow };
}
/** Guard and unlock; returns the flow as read, or how the publish ended before it started. */
async function prepare(ctx, stage, p) {
    try {
        throwIfCancelled(ctx);
        const guard = await guardPublish(ctx, p);
        if (guard.refused) {
            ctx.journal.append('flow-refused', {
                stage,
                flow: p.name,
                status: 'error',
                details: { flowId: p.flowId, reason: guard.refused }
            });
            ctx.log.error(guard.refused);
            return { ended: { kind: 'refused', error: guard.refused } };
        }
        throwIfCancelled(ctx);
        // Unlock only what is still checked out (the plan saw the lock; it may have been checked in since).
        if (p.unlock && p.flowId && (guard.flow === undefined || guard.flow.lockedUser)) {
            await ctx.api.unlockFlow(p.flowId);
            ctx.journal.append('flow-unlocked', {
                stage,
                flow: p.name,
                status: 'warning',
                details: { flowId: p.flowId, lockedBy: p.lockedBy ?? 'unknown' }
            });
            ctx.log.warning(`Force-unlocked "${p.name}" (was checked out by ${p.lockedBy}).`);
        }
        throwIfCancelled(ctx);
        return { flow: guard.flow };
    }
    catch (e) {
        if (isCancellation(ctx, e))
            return { ended: { kind: 'cancelled' } };
        const error = `Could not ${p.unlock ? 'read or unlock' : 'read'} "${p.name}" before publishing: ${(0,genesys_errors/* errorText */.kc)(e)}`;
        ctx.journal.append('publish-failed', {
            stage,
            flow: p.name,
            status: 'error',
            details: { flowId: p.flowId, error, changed: false }
        });
        return { ended: { kind: 'refused', error } };
    }
}
/** The engine's publishing mechanisms for one flow, each journaling its publish-started. */
function mechanisms(ctx, stage, p, current) {
    const fromVersion = p.publishedVersion ?? null;
    const target = { name: p.name, type: p.type, flowId: p.flowId, fromVersion };
    const started = (method, jobId) => ctx.journal.append('publish-started', {
        stage,
        flow: p.name,
        status: 'info',
        details: { flowId: p.flowId, method, jobId, fromVersion }
    });
    return {
        architectJob: (content) => publishYaml(ctx, target, content, {
            signal: ctx.signal,
            stage,
            onJob: async (jobId) => {
                await ctx.recordJob?.(p, jobId, 'architect');
                started('architect-job', jobId);
            }
        }),
        promoteVersion: async (version) => {
            try {
                await ctx.recordJob?.(p, `${p.flowId}@${version}`, 'publish-operation');
            }
            catch (e) {
                return { ok: false, flowId: p.flowId, changed: false, error: `Not published: ${(0,genesys_errors/* errorText */.kc)(e)}` };
            }
            started('actions-publish');
            return publishDraft(ctx, { ...target, flowId: p.flowId }, version, {
                signal: ctx.signal,
                stage,
                before: current
            });
        }
    };
}
function publish_flow_journalCancelled(ctx, stage, p, out) {
    // Nothing is rolled back after a cancellation. A job already uploaded (or an operation already requested) may
    // still finish on the platform: the flow's state is unknown, and the journal says so now.
    if (!out.inFlight)
        return { kind: 'cancelled' };
    const what = out.jobId ? `Architect job ${out.jobId}` : 'the actions/publish operation';
    ctx.journal.append('warning', {
        stage,
        flow: p.name,
        status: 'warning',
        details: {
            message: `Cancelled while ${what} for "${p.name}" was running: it may still publish on the platform; the flow's state is unknown.`,
            inFlight: { what, flowId: out.flowId ?? p.flowId }
        }
    });
    return { kind: 'cancelled', inFlight: what };
}
/** The identity evidence of publish-succeeded (identity.ts): who created the live version, when, over which. */
function identityDetails(out) {
    const id = out.identity;
    if (!id)
        return {};
    return {
        previousVersion: id.previousVersion,
        createdByClient: id.createdByClient,
        createdBy: id.createdBy,
        datePublished: id.datePublished,
        identity: id.basis
    };
}
/** Publish one flow of a stage. Every change (or possible change) is journaled for the rollback. */
async function publish_flow_publishFlow(run, stage, p) {
    const { ctx } = run;
    const prepared = await prepare(ctx, stage, p);
    if (prepared.ended)
        return prepared.ended;
    const source = sourceOf(p.spec);
    const out = await source.publish(p.spec, p, mechanisms(ctx, stage, p, prepared.flow));
    const flowId = out.flowId ?? p.flowId;
    const fromVersion = p.publishedVersion ?? null;
    if (out.ok && flowId && out.toVersion) {
        const contentHash = source.contentHash(p.spec);
        ctx.journal.append('publish-succeeded', {
            stage,
            flow: p.name,
            status: 'ok',
            details: {
                flowId,
                fromVersion,
                toVersion: out.toVersion,
                jobId: out.jobId,
                contentHash,
                created: !p.flowId,
                ...identityDetails(out)
            }
        });
        if (out.warning) {
            ctx.journal.append('warning', { stage, flow: p.name, status: 'warning', details: { message: out.warning } });
            ctx.log.warning(out.warning);
        }
        ctx.log.info(`Published "${p.name}": ${fromVersion ?? 'new'} → ${out.toVersion}`);
        await recordResult(run, p, { state: 'published', version: out.toVersion });
        return { kind: 'published', flowId, toVersion: out.toVersion };
    }
    if (out.cancelled)
        return publish_flow_journalCancelled(ctx, stage, p, out);
    const changed = out.changed ?? null;
    // Changed or unknown: the rollback restores it (it reads the state back first) and lets a job cut short end.
    if (changed !== false && out.settle)
        run.work.settle.set(p.name, out.settle);
    ctx.journal.append('publish-failed', {
        stage,
        flow: p.name,
        status: 'error',
        details: {
            flowId,
            jobId: out.jobId,
            error: out.error ?? 'publish failed',
            messages: out.messages,
            timedOut: out.timedOut,
            changed,
            toVersion: out.toVersion,
            conflict: out.conflict
        }
    });
    await recordResult(run, p, { state: changed === false ? 'failed' : 'unknown', version: out.toVersion });
    if (out.conflict)
        ctx.log.error(`"${p.name}": ${out.error}`);
    return { kind: 'failed', error: `"${p.name}": ${out.error ?? 'publish failed'}`, changed };
}
/** The flow's result in the ledger, as it happens. A failed record is a warning: the change itself is done. */
async function recordResult(run, p, result) {
    try {
        await run.ledger?.result(p, result);
    }
    catch (e) {
        run.ctx.log.warning(`Could not record the result of "${p.name}" in the ledger: ${(0,genesys_errors/* errorText */.kc)(e)}`);
    }
}

;// CONCATENATED MODULE: ./src/release/verify.ts
// Verification of a stage by identity, not bytes (identity.ts): each publish already proved that the version it read
// back was created by this action's OAuth client after its upload (publish.ts). What remains is that no later version
// has been published since — checked right after the stage's publishes (while the bake starts) and again after the
// bake. A later version is a concurrent publisher's: the stage fails and the flow is journaled as a conflict
// (publish-failed with `conflict`: that version's creator and datePublished), which takes it out of what this release
// changed — it is never rolled back over the other publisher's version. No export is made here: what went live is
// exported once, for the commit (export-released.ts).



/** The conflict text when a later version than ours is live, else undefined. */
async function laterVersion(run, stage, item) {
    const { ctx } = run;
    const flow = await ctx.api.getFlow(item.flowId);
    const live = flow.publishedVersion?.id;
    if (live === item.version)
        return undefined;
    const meta = live ? await liveVersionMeta(ctx, item.flowId, flow) : undefined;
    const evidence = meta ? versionEvidence(meta) : { version: live ?? 'none' };
    const conflict = { ...evidence, expectedClient: ctx.clientId };
    const error = conflictError(item.plan.name, conflict, `published after this release's version ${item.version}`);
    ctx.journal.append('publish-failed', {
        stage,
        flow: item.plan.name,
        status: 'error',
        details: { flowId: item.flowId, error, toVersion: live, conflict }
    });
    ctx.log.error(`"${item.plan.name}": ${error}`);
    return `"${item.plan.name}": ${error}`;
}
/** Returns the failure reason, or undefined when every flow's version is still live (or the run was cancelled). */
async function verifyStage(run, stage, flows) {
    const { ctx } = run;
    const published = new Map(run.view().published.map((p) => [p.name, p]));
    const items = flows.flatMap((p) => {
        const pub = published.get(p.name);
        return pub ? [{ plan: p, flowId: pub.flowId, version: pub.toVersion }] : [];
    });
    const conflicts = [];
    for (const item of items) {
        try {
            const c = await laterVersion(run, stage.spec.name, item);
            if (c)
                conflicts.push(c);
        }
        catch (e) {
            if (isCancellation(ctx, e) || ctx.signal?.aborted)
                return undefined;
            return `Could not verify that "${item.plan.name}" version ${item.version} is still live: ${(0,genesys_errors/* errorText */.kc)(e)}`;
        }
    }
    return conflicts.length ? `Identity verification failed: ${conflicts.join(' | ')}` : undefined;
}

;// CONCATENATED MODULE: ./src/release/stage.ts
// One stage: snapshot (once per run) → publish its changed flows (bounded concurrency) → verify by identity that
// they are still live while baking with checks, and again after. Returns the failure, or undefined when the stage
// succeeded; journals stage-started and stage-succeeded / stage-failed.








function fail(run, stage, reason, cancelled = false) {
    run.ctx.journal.append('stage-failed', {
        stage: stage.spec.name,
        status: 'error',
        details: { name: stage.spec.name, reason }
    });
    return { stage, reason, cancelled };
}
/** One export job for the published version of every existing flow that this and the later stages will change. */
async function snapshotAll(run, plan, fromStage) {
    const { ctx } = run;
    const existing = plan.stages
        .filter((s) => s.index >= fromStage)
        .flatMap((s) => s.flows)
        .filter((f) => (f.action === 'create' || f.action === 'update') && f.flowId && f.publishedVersion);
    if (existing.length === 0)
        return new Map();
    const stageOf = new Map(existing.map((f) => [f.flowId, f.stage]));
    const snaps = await exportVersions(ctx, existing.map((f) => ({ name: f.name, type: f.type, flowId: f.flowId, version: f.publishedVersion })), { signal: ctx.signal, stage: plan.stages[fromStage]?.spec.name });
    for (const s of snaps.values()) {
        ctx.journal.append('snapshot', {
            stage: stageOf.get(s.flowId),
            flow: s.name,
            status: 'ok',
            details: { flowId: s.flowId, version: s.version, contentHash: s.hash, exportJobId: s.jobId }
        });
    }
    return snaps;
}
/** Publish the stage's changed flows; a failure or a cancellation starts nothing new. */
async function publishAll(run, stage, toChange) {
    const { ctx } = run;
    const failures = [];
    let cancelled = false;
    await runBounded(toChange, ctx.manifest.concurrency, async (p) => {
        const r = await publish_flow_publishFlow(run, stage.spec.name, p);
        if (r.kind === 'cancelled')
            cancelled = true;
        else if (r.kind === 'refused' || r.kind === 'failed')
            failures.push(r.error);
    }, () => failures.length === 0 && !cancelled && !ctx.signal?.aborted);
    return cancelled || ctx.signal?.aborted ? 'cancelled' : failures;
}
async function runStage(run, stage, plan) {
    const { ctx } = run;
    const name = stage.spec.name;
    const stageStartedAt = ctx.clock.now();
    ctx.journal.append('stage-started', {
        stage: name,
        status: 'info',
        details: { index: stage.index, name, flows: stage.flows.map((f) => f.name) }
    });
    ctx.log.startGroup(`Stage ${stage.index + 1}: ${name}`);
    try {
        return await stageSteps(run, stage, plan, stageStartedAt);
    }
    finally {
        ctx.log.endGroup();
    }
}
async function stageSteps(run, stage, plan, stageStartedAt) {
    const { ctx } = run;
    const name = stage.spec.name;
    const toChange = stage.flows.filter((f) => f.action === 'create' || f.action === 'update');
    if (toChange.length === 0) {
        ctx.log.info(`Stage ${name}: every flow is unchanged; nothing to publish, bake or check.`);
        ctx.journal.append('stage-succeeded', { stage: name, status: 'ok', details: { name } });
        return undefined;
    }
    // 1. Snapshot every existing flow before touching any: once, for this and every later stage, in one export job,
    //    so later stages start publishing at once. The check before each publish (publish-flow.ts) proves a snapshot
    //    taken earlier is still the live version.
    try {
        throwIfCancelled(ctx);
        run.work.snapshots ??= await snapshotAll(run, plan, stage.index);
    }
    catch (e) {
        if (isCancellation(ctx, e))
            return fail(run, stage, 'cancelled', true);
        return fail(run, stage, `Snapshot before publishing failed, nothing in this stage was changed: ${(0,genesys_errors/* errorText */.kc)(e)}`);
    }
    // Write-ahead (write-ahead.ts): the lock and what the release may change, durable before the first change.
    const refused = await writeAhead(run, plan, stage.index);
    if (refused)
        return fail(run, stage, refused);
    if (ctx.signal?.aborted)
        return fail(run, stage, 'cancelled', true);
    // 2. Publish.
    const published = await publishAll(run, stage, toChange);
    if (published === 'cancelled')
        return fail(run, stage, 'cancelled', true);
    if (published.length > 0)
        return fail(run, stage, `Publish failed: ${published.join(' | ')}`);
    // 3. Bake with checks while verify.ts proves that the versions this stage published are still live (a concurrent
    //    publisher may have won the race); a later version ends the bake at once. Proved again after the bake.
    const stop = new AbortController();
    const verifying = verifyStage(run, stage, toChange).then((v) => {
        if (v)
            stop.abort(new Error('verification failed'));
        return v;
    });
    const bake = await bakeStage(run, stage, stageStartedAt, stop.signal);
    const verifyFailure = await verifying;
    if (ctx.signal?.aborted)
        return fail(run, stage, 'cancelled', true);
    if (verifyFailure)
        return fail(run, stage, verifyFailure);
    if (bake)
        return fail(run, stage, bake.reason, bake.cancelled);
    const after = await verifyStage(run, stage, toChange);
    if (after)
        return fail(run, stage, after);
    ctx.journal.append('stage-succeeded', { stage: name, status: 'ok', details: { name } });
    return undefined;
}

;// CONCATENATED MODULE: ./src/release/ledger-finish.ts




function historyOutcome(outcome) {
    return outcome === 'succeeded' || outcome === 'rolled-back' || outcome === 'rollback-failed' ? outcome : 'failed';
}
/** Exports of the versions this run left live: the verified ones, the rest in one export job. */
async function liveExports(run, flows) {
    const got = new Map();
    const missing = flows.filter((f) => {
        const v = f.flowId ? run.work.verified.get(f.flowId) : undefined;
        if (v && v.version === f.finalVersion)
            got.set(f.flowId, v);
        return !got.has(f.flowId);
    });
    if (missing.length > 0) {
        const more = await exportVersions(run.ctx, missing.map((f) => ({ name: f.name, type: f.type ?? '', flowId: f.flowId, version: f.finalVersion })), {});
        for (const [id, e] of more)
            got.set(id, e);
    }
    return got;
}
/** One flow as this run leaves it. */
function historyFlow(run, f, began, exported) {
    const ledger = run.ledger;
    const key = { name: f.name, type: f.type ?? '' };
    const base = { name: f.name, type: key.type };
    const id = f.flowId ?? f.rollback?.flowId ?? began?.flowId;
    if (!id)
        return undefined;
    const r = f.rollback;
    if (r?.ok && r.action === 'delete')
        return { ...base, id, version: null, state: 'deleted' };
    if (r?.ok && r.actual.version && began?.before.content) {
        return { ...base, id, version: r.actual.version, content: began.before.content, state: 'restored' };
    }
    if (f.status === 'published' && f.finalVersion) {
        const e = exported.get(id);
        if (!e)
            return { ...base, id, version: f.finalVersion, state: 'unknown' };
        const content = ledger.putBlob(stripExportHeader(e.raw));
        const uploaded = f.contentHash;
        return { ...base, id, version: f.finalVersion, content, ...(uploaded ? { uploaded } : {}), state: 'published' };
    }
    if (f.changedSeq !== null || f.conflict || r) {
        return { ...base, id, version: f.leftVersion ?? null, state: f.status === 'publish-failed' ? 'failed' : 'unknown' };
    }
    // Not changed by this run: what was live before it still is.
    const known = lastKnownGood(ledger.doc, key, { includeInProgress: false });
    const content = began?.before.content ?? (known?.version === f.fromVersion ? known?.content : undefined);
    if (!f.fromVersion || !content)
        return undefined;
    const uploaded = known && known.content === content ? knownUploaded(run, key, known.releaseId) : undefined;
    return { ...base, id, version: f.fromVersion, content, ...(uploaded ? { uploaded } : {}), state: 'unchanged' };
}
function knownUploaded(run, key, releaseId) {
    const entry = run.ledger?.doc?.history.find((h) => h.releaseId === releaseId);
    return entry?.flows.find((x) => x.name === key.name && x.type === key.type)?.uploaded;
}
/** Every flow the release covered (skipped ones are not), as it leaves them. */
async function deployHistory(run) {
    const flows = run.view().flows.filter((f) => f.action !== null && f.action !== 'skipped');
    const began = run.ledger?.doc?.inProgress?.flows ?? [];
    const live = flows.filter((f) => f.status === 'published' && f.flowId && f.finalVersion);
    const exported = live.length ? await liveExports(run, live) : new Map();
    const retired = run
        .events()
        .flatMap((e) => e.type === 'flow-retired' && e.details.deleted && e.flow
        ? [{ name: e.flow, type: e.details.type, id: e.details.flowId, version: null, state: 'deleted' }]
        : []);
    return [
        ...flows.flatMap((f) => {
            const h = historyFlow(run, f, began.find((b) => b.name === f.name && b.type === f.type), exported);
            return h ? [h] : [];
        }),
        ...retired
    ];
}
/** Records how the run ended; a failure to record is a warning (the next run recovers the release in progress). */
async function settleLedger(run, result) {
    const ledger = run.ledger;
    if (!ledger)
        return;
    const { ctx } = run;
    try {
        if (!ledger.begun) {
            await ledger.unlock();
            return;
        }
        if (ctx.signal?.aborted) {
            await ledger.unlock(`cancelled: release ${ledger.holder} is left in progress in the ledger; the next run waits for its jobs and restores its flows`);
            return;
        }
        const flows = run.work.history ? await run.work.history() : await deployHistory(run);
        await ledger.finish({ outcome: historyOutcome(result.outcome), flows, releaseLock: true });
    }
    catch (e) {
        const message = `Could not record the end of release ${ledger.holder} in the ledger: ${(0,genesys_errors/* errorText */.kc)(e)}. The next run finds it in progress and recovers it.`;
        ctx.log.warning(message);
        ctx.journal.append('warning', { status: 'warning', details: { message } });
    }
}

// EXTERNAL MODULE: ./src/ledger/git-store.ts + 1 modules
var git_store = __webpack_require__(29858);
// EXTERNAL MODULE: ./src/ledger/store.ts
var ledger_store = __webpack_require__(40492);
;// CONCATENATED MODULE: ./src/ledger/lock.ts



/** Long enough for a stage's bake; a run renews its lease between stages and while it waits. */
const DEFAULT_LEASE_MS = 30 * 60_000;
const iso = (ms) => new Date(ms).toISOString();
function isLeaseExpired(lock, clock) {
    return Date.parse(lock.leaseUntil) <= clock.now();
}
function leaseMs(ms) {
    const lease = ms ?? DEFAULT_LEASE_MS;
    if (!Number.isInteger(lease) || lease < 1_000 || lease > 24 * 3_600_000) {
        throw new ledger_errors/* LedgerError */.o('invalid-input', `A lock lease must be from 1 s to 24 h in milliseconds, got ${ms}.`);
    }
    return lease;
}
/** The document with the lock held by `req.holder`, or a LockHeldError. */
function acquireLock(doc, req, clock) {
    const base = doc ?? (0,ledger_schema/* emptyLedger */.Hg)(req.org);
    const current = base.lock;
    const now = clock.now();
    const lock = {
        holder: req.holder,
        command: req.command,
        acquiredAt: iso(now),
        leaseUntil: iso(now + leaseMs(req.leaseMs))
    };
    if (req.runUrl !== undefined)
        lock.runUrl = req.runUrl;
    if (req.actor !== undefined)
        lock.actor = req.actor;
    if (current && current.holder === req.holder) {
        // Re-entrant: the same release asks again (a retried step); keep when it first took it and how.
        return { ...base, lock: { ...lock, acquiredAt: current.acquiredAt, ...keepTakeover(current) } };
    }
    if (current) {
        const expired = isLeaseExpired(current, clock);
        const reason = req.takeover
            ? 'explicit'
            : expired && req.holderFinished?.(current) === true
                ? 'lease-expired'
                : undefined;
        if (!reason)
            throw new ledger_errors/* LockHeldError */.R(base.org.id, current, expired);
        lock.takenOver = { from: current.holder, fromLeaseUntil: current.leaseUntil, reason, at: iso(now) };
        if (current.runUrl !== undefined)
            lock.takenOver.fromRunUrl = current.runUrl;
    }
    return { ...base, lock };
}
function keepTakeover(lock) {
    return lock.takenOver ? { takenOver: lock.takenOver } : {};
}
/** Throws unless `holder` holds the lock: a run that lost its lock must stop changing the org. */
function assertHolds(doc, holder) {
    const lock = doc?.lock ?? null;
    if (lock && lock.holder === holder)
        return lock;
    if (lock) {
        throw new ledger_errors/* LockHeldError */.R(doc?.org.id ?? '?', lock, false, `Release ${holder} no longer holds it (it was taken over) and must not change the org. `);
    }
    throw new ledger_errors/* LedgerError */.o('conflict', `Release ${holder} does not hold the release lock of org ${doc?.org.id ?? '?'} (it is free: it was released ` +
        'by someone else). It must not change the org; re-run the release.');
}
/** Extends the holder's lease from now. */
function renewLease(doc, holder, clock, ms) {
    const lock = assertHolds(doc, holder);
    return { ...doc, lock: { ...lock, leaseUntil: iso(clock.now() + leaseMs(ms)) } };
}
/**
 * Frees the lock if `holder` holds it. NO_CHANGE when it does not (free, or taken over): another holder's lock is
 * never released.
 */
function releaseLock(doc, holder) {
    if (!doc?.lock || doc.lock.holder !== holder)
        return ledger_store/* NO_CHANGE */.XG;
    return { ...doc, lock: null };
}

;// CONCATENATED MODULE: ./src/ledger/memory-store.ts



/** The shared "remote": documents as text, blobs, and a revision that moves on every write. */
class MemoryLedgerBackend {
    docs = new Map();
    blobs = new Map();
    /** Successful writes so far (each is one "push"). */
    writes = 0;
    revision = 0;
    get rev() {
        return this.revision === 0 ? undefined : `mem-${this.revision}`;
    }
    /** Writes a document's text as it is, e.g. something unparseable for a corruption test. */
    setText(orgId, text) {
        this.docs.set(orgId, text);
        this.revision++;
    }
    /** Compare-and-swap: applies the write only if the revision is still `rev`. */
    write(orgId, rev, text, blobs) {
        if (rev !== this.rev)
            return undefined;
        for (const [a, c] of blobs)
            this.blobs.set(a, c);
        this.docs.set(orgId, text);
        this.revision++;
        this.writes++;
        return this.rev;
    }
}
class MemoryLedgerStore {
    location = 'memory';
    backend;
    beforeCommit;
    staged = new Map();
    clock;
    constructor(options = {}) {
        this.backend = options.backend ?? new MemoryLedgerBackend();
        this.beforeCommit = options.beforeCommit;
        this.clock = options.clock;
    }
    async read(orgId) {
        return casRead(this.context(), orgId);
    }
    update(orgId, mutate, options) {
        return casUpdate(this.context(), orgId, mutate, options);
    }
    putBlob(content) {
        if (typeof content !== 'string')
            throw new LedgerError('invalid-input', 'Blob content must be a string.');
        const address = contentAddress(content);
        if (!this.backend.blobs.has(address))
            this.staged.set(address, content);
        return address;
    }
    async getBlob(addressInput) {
        const address = validateAddress(addressInput);
        const content = this.staged.get(address) ?? this.backend.blobs.get(address);
        if (content === undefined)
            throw new LedgerError('blob', `No blob ${address} in the memory ledger.`);
        return verifyBlob(address, content, `memory:${address}`);
    }
    context() {
        const backend = this.backend;
        const cas = {
            load: async (orgId) => ({ text: backend.docs.get(validateOrgId(orgId)), rev: backend.rev }),
            where: (orgId) => ({
                where: `memory:orgs/${orgId}/ledger.json`,
                fix: 'Fix or remove the document in the test that corrupted it.'
            }),
            hasBlob: async (a) => backend.blobs.has(a),
            commit: async (orgId, rev, text, blobs) => backend.write(orgId, rev, text, blobs)
        };
        return {
            backend: cas,
            staged: this.staged,
            serialize: (d) => serializeLedger(d),
            beforeCommit: (orgId, attempt) => this.beforeCommit?.(orgId, attempt),
            clock: this.clock
        };
    }
}

// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./src/ledger/writer.ts
// Group commit for one org's ledger: `await writer.record(mutation)` returns once the mutation is durable (pushed).
// Records that arrive while a write is in flight are coalesced into the next compare-and-swap update, one push for
// all of them, so "record each job id before its upload" stays affordable with 16–32 concurrent publishes.
//
// Each mutation is applied in arrival order on its own copy of the document; one that throws (e.g. assertHolds after
// the lock was taken over) rejects only its caller, and the others are still written. When the write itself fails
// (push refused, corrupt ledger, race lost on every attempt), every caller of that batch is rejected with the cause.
// Mutations are re-applied to the fresh document when the store loses a race, so they must be pure.



class LedgerWriter {
    orgId;
    store;
    maxAttempts;
    queue = [];
    draining;
    written = 0;
    latest;
    constructor(store, orgId, options = {}) {
        this.store = store;
        this.orgId = (0,ledger_store/* validateOrgId */.k2)(orgId);
        this.maxAttempts = options.maxAttempts;
    }
    /** Updates that wrote something (each is one push). */
    get writes() {
        return this.written;
    }
    /** The document as of the last durable write by this writer. */
    get doc() {
        return this.latest;
    }
    /** Resolves with the durable document once `mutation` (and all queued with it) is pushed; rejects on failure. */
    record(mutation, what = 'record') {
        if (typeof mutation !== 'function') {
            return Promise.reject(new ledger_errors/* LedgerError */.o('invalid-input', 'LedgerWriter.record needs a mutation function.'));
        }
        return new Promise((resolve, reject) => {
            this.queue.push({ mutation, what, resolve, reject });
            this.draining ??= this.drain();
        });
    }
    /** Resolves when everything recorded so far has been written or has failed. */
    async idle() {
        while (this.draining)
            await this.draining;
    }
    async drain() {
        try {
            while (this.queue.length > 0) {
                // Let callers that record in the same turn of the event loop join this batch.
                await (0,external_node_timers_promises_.setImmediate)();
                const batch = this.queue.splice(0);
                await this.write(batch);
            }
        }
        finally {
            this.draining = undefined;
        }
    }
    async write(batch) {
        let failed = [];
        try {
            const res = await this.store.update(this.orgId, (doc) => {
                failed = [];
                let current = doc;
                let changed = false;
                for (const w of batch) {
                    try {
                        const next = w.mutation(current === undefined ? undefined : structuredClone(current));
                        if (next !== ledger_store/* NO_CHANGE */.XG) {
                            current = next;
                            changed = true;
                        }
                    }
                    catch (error) {
                        failed[batch.indexOf(w)] = { error };
                    }
                }
                return changed && current !== undefined ? current : ledger_store/* NO_CHANGE */.XG;
            }, { message: summary(batch), ...(this.maxAttempts === undefined ? {} : { maxAttempts: this.maxAttempts }) });
            if (res.changed)
                this.written++;
            this.latest = res.doc;
            batch.forEach((w, i) => {
                const f = failed[i];
                if (f)
                    w.reject(f.error);
                else
                    w.resolve(res.doc);
            });
        }
        catch (e) {
            for (const w of batch)
                w.reject(e);
        }
    }
}
function summary(batch) {
    const whats = [...new Set(batch.map((w) => w.what))];
    const shown = whats.slice(0, 5).join('; ');
    return batch.length === 1 ? shown : `${batch.length} records: ${shown}${whats.length > 5 ? '; …' : ''}`;
}

;// CONCATENATED MODULE: ./src/ledger/progress.ts




const progress_iso = (clock) => new Date(clock.now()).toISOString();
const progress_sameFlow = (a, b) => a.name === b.name && a.type === b.type;
/** The release in progress of `doc`, checked to be `releaseId`'s, with the lock held by `holder`. */
function running(doc, holder, releaseId) {
    assertHolds(doc, holder);
    const current = doc?.inProgress;
    if (!current || current.releaseId !== releaseId) {
        throw new ledger_errors/* LedgerError */.o('conflict', `Release ${releaseId} is not the release in progress of org ${doc?.org.id ?? '?'} ` +
            `(${current ? `that is ${current.releaseId}` : 'there is none'}); nothing was recorded.`);
    }
    return current;
}
/** Records what the release may change. The lock must be held; an unfinished release of another run must be recovered first. */
function beginRelease(doc, start, clock) {
    const base = doc;
    assertHolds(doc, start.releaseId);
    const current = base.inProgress;
    if (current?.releaseId === start.releaseId)
        return ledger_store/* NO_CHANGE */.XG;
    if (current) {
        throw new ledger_errors/* LedgerError */.o('conflict', `Org ${base.org.id} has an unfinished release ${current.releaseId}` +
            `${current.runUrl ? ` (run ${current.runUrl})` : ''}, started at ${current.startedAt}. It must be recovered ` +
            'before anything else changes the org; nothing was recorded.');
    }
    const seen = new Set();
    for (const f of start.flows) {
        const key = `${f.type}/${f.name}`;
        if (seen.has(key))
            throw new ledger_errors/* LedgerError */.o('invalid-input', `Flow ${key} is listed twice in release ${start.releaseId}.`);
        seen.add(key);
    }
    const inProgress = {
        releaseId: start.releaseId,
        command: start.command,
        startedAt: progress_iso(clock),
        flows: start.flows.map((f) => ({ ...f, jobs: [] }))
    };
    if (start.runUrl !== undefined)
        inProgress.runUrl = start.runUrl;
    if (start.commit !== undefined)
        inProgress.commit = start.commit;
    if (start.recoveredFrom !== undefined)
        inProgress.recoveredFrom = start.recoveredFrom;
    return { ...base, inProgress };
}
function withFlow(doc, current, flow, change) {
    const index = current.flows.findIndex((f) => progress_sameFlow(f, flow));
    if (index < 0) {
        throw new ledger_errors/* LedgerError */.o('invalid-input', `Flow ${flow.type}/${flow.name} is not part of release ${current.releaseId}: record it in beginRelease first.`);
    }
    const flows = current.flows.map((f, i) => (i === index ? change(f) : f));
    return { ...doc, inProgress: { ...current, flows } };
}
/** Records a job (registered: before its upload) or a change of its state. `holder` defaults to the release. */
function recordJob(doc, releaseId, flow, job, clock, holder = releaseId) {
    const current = running(doc, holder, releaseId);
    const at = progress_iso(clock);
    return withFlow(doc, current, flow, (f) => {
        const existing = f.jobs.find((j) => j.id === job.id && j.kind === job.kind);
        const next = existing
            ? { ...existing, updatedAt: at }
            : { id: job.id, kind: job.kind, registeredAt: at, state: job.state ?? 'registered' };
        if (job.state !== undefined)
            next.state = job.state;
        if (job.error !== undefined)
            next.error = job.error;
        return { ...f, jobs: existing ? f.jobs.map((j) => (j === existing ? next : j)) : [...f.jobs, next] };
    });
}
/** Records a flow's id once the platform reports it (a create), and/or its result. */
function recordFlow(doc, releaseId, flow, patch, clock, holder = releaseId) {
    const current = running(doc, holder, releaseId);
    return withFlow(doc, current, flow, (f) => ({
        ...f,
        ...(patch.flowId !== undefined ? { flowId: patch.flowId } : {}),
        ...(patch.result !== undefined ? { result: { ...patch.result, at: progress_iso(clock) } } : {})
    }));
}
/** Appends the release to the history (capped), clears the release in progress and optionally frees the lock. */
function finishRelease(doc, end, clock) {
    const releaseId = end.releaseId ?? end.holder;
    if (doc?.history.some((h) => h.releaseId === releaseId) && doc.inProgress?.releaseId !== releaseId) {
        return ledger_store/* NO_CHANGE */.XG; // already finished (a retried step)
    }
    const current = running(doc, end.holder, releaseId);
    const entry = {
        releaseId,
        command: current.command,
        outcome: end.outcome,
        startedAt: current.startedAt,
        finishedAt: progress_iso(clock),
        flows: end.flows
    };
    const commit = end.commit ?? current.commit;
    if (commit !== undefined)
        entry.commit = commit;
    if (current.runUrl !== undefined)
        entry.runUrl = current.runUrl;
    if (end.holder !== releaseId)
        entry.recoveredBy = end.holder;
    const next = appendHistory({ ...doc, inProgress: null }, entry);
    return end.releaseLock ? { ...next, lock: null } : next;
}

;// CONCATENATED MODULE: ./src/ledger/github-run.ts
/** `{owner, repo, id}` of a GitHub Actions run URL such as https://github.com/o/r/actions/runs/123. */
function parseRunUrl(url) {
    const m = /^https?:\/\/[^/]+\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/actions\/runs\/(\d+)(?:\/|$)/.exec(url);
    return m ? { owner: m[1], repo: m[2], id: m[3] } : undefined;
}
function githubRunFinished(o) {
    return async (lock) => {
        const run = lock.runUrl ? parseRunUrl(lock.runUrl) : undefined;
        if (!run || !o.token)
            return false;
        const base = (o.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
        try {
            const res = await (o.fetch ?? fetch)(`${base}/repos/${run.owner}/${run.repo}/actions/runs/${run.id}`, {
                headers: { Authorization: `Bearer ${o.token}`, Accept: 'application/vnd.github+json' },
                signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
                redirect: 'error'
            });
            if (res.status !== 200)
                return false;
            const body = (await res.json());
            return body.status === 'completed';
        }
        catch {
            return false;
        }
    };
}

;// CONCATENATED MODULE: ./src/ledger/index.ts
// The release ledger: durable per-org release state (lock, release in progress, history), written ahead of every
// change with compare-and-swap updates. See docs/state.md.











;// CONCATENATED MODULE: ./src/release/run-ledger.ts


class RunLedger {
    handle;
    writer;
    journal;
    clock;
    current;
    /** The release id this run holds the lock as. */
    holder;
    holding = false;
    /** The release id whose in-progress record this run writes (its own, once begun). */
    begunAs;
    constructor(handle, holder, journal, clock) {
        this.handle = handle;
        this.holder = holder;
        this.journal = journal;
        this.clock = clock;
        this.current = handle.doc;
        this.writer = new LedgerWriter(handle.store, handle.org.id);
    }
    get doc() {
        return this.current;
    }
    get holds() {
        return this.holding;
    }
    get begun() {
        return this.begunAs === this.holder;
    }
    /** Pushes this run made. */
    get pushes() {
        return this.writer.writes;
    }
    /** The lock request, with the holder-finished proof looked up first (the update's mutate must be synchronous). */
    async lockRequest(command) {
        const h = this.handle;
        const other = this.current?.lock;
        let finished;
        if (other && other.holder !== this.holder && Date.parse(other.leaseUntil) <= this.clock.now()) {
            if ((await h.holderFinished?.(other).catch(() => false)) === true)
                finished = other.holder;
        }
        return {
            org: h.org,
            holder: this.holder,
            command,
            runUrl: h.runUrl,
            actor: h.actor,
            ...(h.leaseMs !== undefined ? { leaseMs: h.leaseMs } : {}),
            takeover: h.takeover === true,
            holderFinished: (lock) => lock.holder === finished
        };
    }
    /** Throws the LockHeldError a lock attempt would, without writing anything. */
    async checkLock(command) {
        acquireLock(this.current, await this.lockRequest(command), this.clock);
    }
    async write(mutate, what) {
        const doc = await this.writer.record(mutate, what);
        this.current = doc ?? this.current;
        return this.current;
    }
    /** Takes the lock (and, in the same push, whatever `then` records). Throws LockHeldError naming the holder. */
    async acquire(command, then) {
        const req = await this.lockRequest(command);
        const before = this.current?.lock;
        const doc = await this.write((d) => {
            const locked = acquireLock(d, req, this.clock);
            const next = then ? then(locked) : locked;
            return next === ledger_store/* NO_CHANGE */.XG ? locked : next;
        }, `lock acquired by ${this.holder}`);
        const lock = doc?.lock;
        if (!lock)
            return;
        if (!this.holding) {
            const takenOver = lock.takenOver && before?.holder !== this.holder ? lock.takenOver : undefined;
            if (takenOver) {
                this.journal.append('lock-taken-over', {
                    status: 'warning',
                    details: {
                        orgId: this.handle.org.id,
                        from: takenOver.from,
                        ...(takenOver.fromRunUrl ? { fromRunUrl: takenOver.fromRunUrl } : {}),
                        fromLeaseUntil: takenOver.fromLeaseUntil,
                        reason: takenOver.reason
                    }
                });
            }
            this.journal.append('lock-acquired', {
                status: 'info',
                details: { orgId: this.handle.org.id, holder: this.holder, leaseUntil: lock.leaseUntil }
            });
        }
        this.holding = true;
    }
    /** Write-ahead: the lock and what the release may change, in one push. */
    async begin(command, flows) {
        const start = { releaseId: this.holder, command, flows };
        if (this.handle.runUrl !== undefined)
            start.runUrl = this.handle.runUrl;
        if (this.handle.commit !== undefined)
            start.commit = this.handle.commit;
        await this.acquire(command, (d) => beginRelease(d, start, this.clock));
        this.begunAs = this.holder;
    }
    /** Adds flows to this run's release in progress (taking the lock and beginning it when not yet done). */
    async extend(flows) {
        if (!this.begun)
            return this.begin('deploy', flows);
        await this.write((d) => {
            assertHolds(d, this.holder);
            const cur = d.inProgress;
            if (!cur || cur.releaseId !== this.holder)
                throw new ledger_errors/* LedgerError */.o('conflict', `Release ${this.holder} is not in progress.`);
            const add = flows.filter((f) => !cur.flows.some((x) => x.name === f.name && x.type === f.type));
            if (add.length === 0)
                return ledger_store/* NO_CHANGE */.XG;
            return {
                ...d,
                inProgress: { ...cur, flows: [...cur.flows, ...add.map((f) => ({ ...f, jobs: [] }))] }
            };
        }, `${flows.length} more flow(s) of ${this.holder}`);
    }
    /** Job records go into `releaseId`'s in-progress record (a recovery writes into the dead run's). */
    recordInto(releaseId) {
        this.begunAs = releaseId;
    }
    /** Records a job before it is handed to the platform (the upload), renewing the lease. */
    async job(flow, id, kind, releaseId = this.begunAs) {
        if (!releaseId || !this.holding)
            return;
        await this.write((d) => recordJob(renewLease(d, this.holder, this.clock, this.handle.leaseMs), releaseId, flow, { id, kind }, this.clock, this.holder), `job ${id} for ${flow.name}`);
    }
    /** Records a flow's result (published version / failed / unknown) as it happens. */
    async result(flow, result, flowId) {
        const releaseId = this.begunAs;
        if (!releaseId || !this.holding)
            return;
        const patch = {
            result: { state: result.state, ...(result.version ? { version: result.version } : {}) },
            ...(flowId ? { flowId } : {})
        };
        await this.write((d) => recordFlow(d, releaseId, flow, patch, this.clock, this.holder), `${flow.name}: ${result.state}`);
    }
    /** Appends the finished release (this run's, or the dead run's it recovered) to the history; frees the lock. */
    async finish(end) {
        await this.write((d) => {
            const done = finishRelease(d, {
                holder: this.holder,
                releaseId: end.releaseId ?? this.holder,
                outcome: end.outcome,
                flows: end.flows,
                releaseLock: false,
                ...(this.handle.commit !== undefined && end.releaseId === undefined ? { commit: this.handle.commit } : {})
            }, this.clock);
            let next = done === ledger_store/* NO_CHANGE */.XG ? d : done;
            if (end.then)
                next = end.then(next);
            return end.releaseLock ? { ...next, lock: null } : next;
        }, `release ${end.releaseId ?? this.holder} finished: ${end.outcome}`);
        if (end.releaseId === undefined || end.releaseId === this.begunAs)
            this.begunAs = undefined;
        if (end.releaseLock)
            this.released('');
    }
    /** Frees the lock (nothing else changes). `note` says why, e.g. what is left for the next run. */
    async unlock(note = '') {
        if (!this.holding)
            return;
        await this.write((d) => releaseLock(d, this.holder), `lock released by ${this.holder}`);
        this.released(note);
    }
    released(note) {
        if (!this.holding)
            return;
        this.holding = false;
        this.journal.append('lock-released', {
            status: 'info',
            details: { orgId: this.handle.org.id, holder: this.holder, pushes: this.pushes, ...(note ? { note } : {}) }
        });
    }
    putBlob(content) {
        return this.handle.store.putBlob(content);
    }
    getBlob(address) {
        return this.handle.store.getBlob(address);
    }
}

;// CONCATENATED MODULE: ./src/release/retire.ts




async function findTargets(run) {
    const out = [];
    for (const r of run.ctx.manifest.retired ?? []) {
        const found = await run.ctx.api.findFlowsByName(r.name, r.type);
        const hit = found.find((f) => f.name === r.name && sameType(f.type, r.type) && !f.deleted);
        if (!hit) {
            run.ctx.log.info(`Retired flow "${r.name}" (${r.type}) is not in the org: nothing to delete.`);
            continue;
        }
        if (!hit.publishedVersion?.id) {
            run.ctx.log.warning(`Retired flow "${r.name}" has no published version: left as it is (nothing to restore it to).`);
            continue;
        }
        out.push({ name: r.name, type: r.type, flowId: hit.id, version: hit.publishedVersion.id });
    }
    return out;
}
async function deleteOne(run, t) {
    const { ctx } = run;
    let error;
    let deleted = false;
    try {
        await ctx.recordJob?.(t, `delete:${t.flowId}`, 'delete');
        try {
            await ctx.api.deleteFlow(t.flowId);
        }
        catch (e) {
            if (!isNotFound(e))
                throw e;
        }
        try {
            deleted = (await ctx.api.getFlow(t.flowId)).deleted === true;
        }
        catch (e) {
            if (!isNotFound(e))
                throw e;
            deleted = true;
        }
        if (!deleted)
            error = `flow ${t.flowId} still exists after DELETE`;
    }
    catch (e) {
        error = (0,genesys_errors/* errorText */.kc)(e);
    }
    ctx.journal.append('flow-retired', {
        flow: t.name,
        status: deleted ? 'ok' : 'warning',
        details: { flowId: t.flowId, type: t.type, version: t.version, deleted, ...(error ? { error } : {}) }
    });
    if (deleted) {
        ctx.log.info(`Deleted retired flow "${t.name}" (was version ${t.version}); restorable from the ledger.`);
        await run.ledger?.result(t, { state: 'deleted' }).catch(() => undefined);
    }
    else
        ctx.log.warning(`Retired flow "${t.name}" could not be deleted and is still live: ${error}`);
}
/** Deletes the retired flows still in the org, each recorded ahead with its content. */
async function retireFlows(run) {
    const { ctx } = run;
    if (!ctx.manifest.retired?.length || ctx.signal?.aborted)
        return;
    ctx.log.startGroup('Retire flows');
    try {
        const targets = await findTargets(run);
        if (targets.length === 0)
            return;
        const snaps = await exportVersions(ctx, targets, { signal: ctx.signal });
        if (run.ledger) {
            await run.ledger.extend(targets.map((t) => {
                const snap = snaps.get(t.flowId);
                const content = snap ? run.ledger.putBlob(rollbackContent(snap)) : undefined;
                return {
                    name: t.name,
                    type: t.type,
                    flowId: t.flowId,
                    before: { version: t.version, ...(content ? { content } : {}) }
                };
            }));
        }
        for (const t of targets) {
            if (ctx.signal?.aborted)
                break;
            if (!snaps.has(t.flowId)) {
                ctx.log.warning(`Retired flow "${t.name}" was not deleted: its live version could not be exported first.`);
                continue;
            }
            await deleteOne(run, t);
        }
    }
    catch (e) {
        const message = `Retiring flows failed; the retired flows not deleted stay live: ${(0,genesys_errors/* errorText */.kc)(e)}`;
        ctx.journal.append('warning', { status: 'warning', details: { message } });
        ctx.log.warning(message);
    }
    finally {
        ctx.log.endGroup();
    }
}

;// CONCATENATED MODULE: ./src/release/release.ts













function toPlanned(p) {
    const { spec: _spec, org: _org, unlock: _unlock, ...planned } = p;
    return planned;
}
function startRun(deps, opts) {
    const ctx = {
        api: deps.api,
        journal: deps.journal,
        clock: deps.clock,
        log: deps.log,
        signal: deps.signal,
        httpGet: deps.httpGet ?? defaultHttpGet,
        manifest: opts.manifest,
        releaseId: opts.releaseId,
        clientId: deps.clientId
    };
    const ledger = deps.ledger ? new RunLedger(deps.ledger, opts.releaseId, deps.journal, deps.clock) : undefined;
    if (ledger)
        ctx.recordJob = (flow, id, kind) => ledger.job(flow, id, kind);
    const order = opts.manifest.flows.map((f) => f.name);
    const first = deps.journal.events.length;
    const events = () => deps.journal.events.slice(first);
    return {
        ctx,
        opts,
        work: { verified: new Map(), settle: new Map() },
        ...(ledger ? { ledger } : {}),
        events,
        view: () => runView(events(), order, opts.command)
    };
}
/** Phase 1: the plan, journaled and logged. */
async function planRelease(run) {
    const { ctx, opts } = run;
    ctx.log.startGroup('Plan');
    let plan;
    try {
        plan = await buildPlan(ctx, { ...opts, ...(run.ledger ? { ledger: run.ledger.doc ?? emptyDoc(run) } : {}) });
    }
    finally {
        ctx.log.endGroup();
    }
    ctx.journal.append('plan', {
        status: plan.errors.length ? 'error' : 'info',
        details: {
            flows: plan.flows.map(toPlanned),
            stages: plan.stages.map((s) => ({
                name: s.spec.name,
                flows: s.flows.map((f) => f.name),
                bakeMs: s.spec.bakeMs,
                checks: s.spec.checks
            }))
        }
    });
    journalOrphans(run);
    for (const r of run.ctx.manifest.retired ?? []) {
        ctx.log.info(`retired: ${r.name} (${r.type}) → deleted after every stage succeeded, if still in the org`);
    }
    for (const p of plan.flows.filter((f) => f.action !== 'skipped')) {
        ctx.log.info(`${p.stage}: ${p.name} (${p.type}) → ${p.action}${p.publishedVersion ? ` from version ${p.publishedVersion}` : ''} — ${p.reason}`);
    }
    return plan;
}
function emptyDoc(run) {
    return (0,ledger_schema/* emptyLedger */.Hg)(run.ledger.handle.org);
}
/** Flows of the last release the manifest no longer names: still live in the org, no longer managed. */
function journalOrphans(run) {
    const left = orphans(run.ledger?.doc, [...run.ctx.manifest.flows, ...(run.ctx.manifest.retired ?? [])].map((f) => f.name));
    if (left.length === 0)
        return;
    run.ctx.journal.append('orphaned-flows', {
        status: 'warning',
        details: { flows: left.map((f) => ({ name: f.name, type: f.type, id: f.id, version: f.version })) }
    });
    run.ctx.log.warning(`Still live in the org, no longer managed by this manifest: ${left.map((f) => `${f.name} (${f.type})`).join(', ')}.`);
}
/** Phase 2: the stages in order, until one fails. */
async function runStages(run, plan) {
    for (const stage of plan.stages) {
        const failure = await runStage(run, stage, plan);
        if (failure)
            return failure;
    }
    return undefined;
}
async function deploy(run) {
    // A dead run's unfinished release is recovered before anything else; a live holder of the lock stops this run.
    if (run.opts.command === 'deploy') {
        const stopped = await recoverFirst(run, 'deploy');
        if (stopped)
            return stopped;
    }
    else if (run.ledger?.doc?.inProgress) {
        const dead = run.ledger.doc.inProgress;
        const message = `Release ${dead.releaseId}${dead.runUrl ? ` (run ${dead.runUrl})` : ''} did not finish; a deploy or rollback recovers it first (flows ${dead.flows.map((f) => f.name).join(', ')}).`;
        run.ctx.journal.append('warning', { status: 'warning', details: { message } });
        run.ctx.log.warning(message);
    }
    const plan = await planRelease(run);
    if (plan.errors.length > 0)
        return refuse(run, { kind: 'plan-errors', errors: plan.errors }, plan.errors);
    if (run.opts.command === 'plan') {
        const toPublish = plan.flows.filter((f) => f.action === 'create' || f.action === 'update').length;
        return conclude(run, { kind: 'planned', toPublish, stages: plan.stages.length });
    }
    const failure = await runStages(run, plan);
    if (failure)
        return finishFailedStage(run, failure);
    await retireFlows(run);
    const result = conclude(run, { kind: 'succeeded' });
    if (run.opts.exportAfter)
        result.exports = await exportReleased(run);
    return result;
}
async function runCommand(run) {
    const { opts } = run;
    try {
        const { unknown } = filterFlows(opts.manifest.flows, opts.flowsFilter);
        if (unknown.length > 0) {
            return refuse(run, { kind: 'unknown-flows', unknown, known: opts.manifest.flows.map((f) => f.name) });
        }
        if (opts.command === 'rollback')
            return await rollbackCommand(run);
        return await deploy(run);
    }
    catch (e) {
        return finishCrashed(run, e);
    }
}
async function runRelease(deps, opts) {
    const run = startRun(deps, opts);
    const result = await runCommand(run);
    // On every path: the history entry and the lock (ledger-finish.ts; a cancelled run leaves its release in progress).
    await settleLedger(run, result);
    return result;
}

;// CONCATENATED MODULE: ./src/doctor/types.ts

const ok = (name, observed, extra = {}) => ({
    name,
    result: 'ok',
    required: false,
    observed,
    ...extra
});
const warn = (name, observed, fix, extra = {}) => ({
    name,
    result: 'warn',
    required: false,
    observed,
    fix,
    ...extra
});
const types_fail = (name, observed, fix, extra = {}) => ({
    name,
    result: 'fail',
    required: true,
    observed,
    fix,
    ...extra
});
const skipped = (name, why, extra = {}) => ({
    name,
    result: 'skipped',
    required: false,
    observed: 'not probed',
    fix: why,
    ...extra
});
/** A failed call as a probe: required probes fail, the others warn. */
function failedCall(name, e, fix, required) {
    const observed = `the call failed: ${(0,genesys_errors/* errorText */.kc)(e)}`;
    return required ? types_fail(name, observed, fix) : warn(name, observed, fix);
}
/** Whether a probe passed (a warning passes; only a failure does not). */
const passed = (p) => p.result !== 'fail';

;// CONCATENATED MODULE: ./src/doctor/rendering.ts
// Which of the known differences between an Architect export and hand-written Archy YAML (genesys-api.md, "An export
// is Architect's rendering") one export shows against the repository file.
function body(doc) {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc))
        return {};
    const first = Object.values(doc)[0];
    return first && typeof first === 'object' && !Array.isArray(first) ? first : {};
}
/** Every mapping key anywhere in the document. */
function allKeys(doc, out = new Set()) {
    if (Array.isArray(doc))
        for (const x of doc)
            allKeys(x, out);
    else if (doc && typeof doc === 'object') {
        for (const [k, v] of Object.entries(doc)) {
            out.add(k);
            allKeys(v, out);
        }
    }
    return out;
}
function renderingDifferences(exported, exportDoc, file, fileDoc) {
    const e = body(exportDoc);
    const f = body(fileDoc);
    const out = [];
    if (/^\s*#/.test(exported))
        out.push('a header comment');
    if ('division' in e && !('division' in f))
        out.push(`division added (${String(e.division)})`);
    if (e.description === '' && !('description' in f))
        out.push('description: "" added');
    const renumbered = /\[[^\]\n]*_\d+\]/;
    if (renumbered.test(exported) && !renumbered.test(file))
        out.push('refIds renamed <name>_<n>');
    if (/startUpRef:\s*"\//.test(exported) && !/startUpRef:\s*"\//.test(file))
        out.push('startUpRef absolute and quoted');
    const fileKeys = allKeys(fileDoc);
    const exportKeys = allKeys(exportDoc);
    const settings = [...exportKeys].filter((k) => k.startsWith('settings') && !fileKeys.has(k));
    if (settings.length)
        out.push(`settings written out (${settings.slice(0, 6).join(', ')})`);
    const defaults = ['globalDtmf', 'noValue', 'isInput', 'isOutput'].filter((k) => exportKeys.has(k) && !fileKeys.has(k));
    if (defaults.length)
        out.push(`per-object defaults added (${defaults.join(', ')})`);
    const common = Object.keys(e).filter((k) => k in f);
    const fileOrder = Object.keys(f).filter((k) => k in e);
    if (common.join() !== fileOrder.join())
        out.push('key order changed');
    return out;
}

;// CONCATENATED MODULE: ./src/doctor/exports.ts
// Probes through Architect jobs: registering a job without uploading anything (proves architect:job:create, changes
// nothing: no API deletes or cancels a job, an unused one expires on its own), and exporting one published flow
// twice (proves architect:jobExport:create, shows whether exports are stable and how they differ from the file).





/** POST /api/v2/flows/jobs and nothing else: the presigned URL is never used. */
async function probeJobRegistration(ctx, required) {
    const name = 'permission:architect:job:create';
    try {
        const job = await ctx.api.registerArchitectJob();
        let status = 'unknown';
        try {
            status = (await ctx.api.getArchitectJob(job.id)).status;
        }
        catch {
            // The registration is the proof; the status is only informative.
        }
        return ok(name, `registered Architect job ${job.id} (status ${status}) and uploaded nothing; no API deletes or cancels an Architect job: an unused registered job expires on its own`, { required, expected: 'POST /api/v2/flows/jobs answers {id, presignedUrl, headers}' });
    }
    catch (e) {
        return failedCall(name, e, "publishing files needs architect:job:create: add it to the OAuth client's role", required);
    }
}
async function exportOnce(ctx, flowId, version) {
    const reg = await ctx.api.registerExportJob([{ flowId, version }]);
    const job = await (0,wait/* waitFor */.fm)({
        what: 'export job',
        id: reg.id,
        poll: () => ctx.api.getExportJob(reg.id),
        done: (j) => j.status === 'Success' || j.status === 'Failure',
        state: (j) => j.status,
        clock: ctx.clock,
        log: ctx.log,
        deadlineMs: ctx.manifest.jobTimeoutMs,
        signal: ctx.signal,
        expectedLatencyMs: 2000
    });
    if (job.status !== 'Success' || !job.downloadUrl) {
        const texts = (job.messages ?? []).map((m) => m.text ?? '').filter(Boolean);
        throw new Error(`export job ${reg.id} ended ${job.status}${texts.length ? `: ${texts.join('; ')}` : ''}`);
    }
    return ctx.api.downloadExport(job.downloadUrl);
}
/** The flow to export: a published file flow if there is one (its file can be compared), else any published flow. */
function exportTarget(flows) {
    const published = flows.filter((r) => r.flow?.publishedVersion?.id);
    return published.find((r) => r.spec.source === 'file') ?? published[0];
}
/** Export the target's published version twice: the export probe, stability, and the rendering vs the file. */
async function probeExports(ctx, target) {
    const names = ['export', 'export-stability', 'export-rendering'];
    if (!target?.flow?.publishedVersion)
        return names.map((n) => skipped(n, 'no flow of the manifest has a published version yet'));
    const { flow } = target;
    const version = flow.publishedVersion.id;
    const what = `"${flow.name}" version ${version}`;
    let first;
    let second;
    try {
        first = await exportOnce(ctx, flow.id, version);
        second = await exportOnce(ctx, flow.id, version);
    }
    catch (e) {
        const probe = failedCall('export', e, "snapshots and rollbacks need architect:jobExport:create: add it to the OAuth client's role", true);
        return [probe, ...names.slice(1).map((n) => skipped(n, 'the export failed'))];
    }
    const a = first[0]?.content ?? '';
    const b = second[0]?.content ?? '';
    const exportProbe = ok('export', `exported ${what}: ${first.length} file(s) (${first.map((f) => f.fileName).join(', ')}), ${Buffer.byteLength(a)} bytes`, { required: true, expected: 'one flow → the YAML file itself (several → a zip)' });
    const stable = a === b
        ? ok('export-stability', `two exports of ${what} are byte-equal`)
        : normalizeExport(a) === normalizeExport(b)
            ? ok('export-stability', `two exports of ${what} differ in bytes but are equal after normalisation (header comments, line endings, style)`)
            : warn('export-stability', `two exports of ${what} differ even after normalisation`, 'exports of one version are not comparable with each other: report it (docs/platform.md)');
    return [exportProbe, stable, renderingProbe(target, a, what)];
}
function renderingProbe(target, exported, what) {
    const name = 'export-rendering';
    if (target.spec.source !== 'file')
        return skipped(name, `${what} is a draft-source flow: no repository file to compare`);
    const file = target.spec.content;
    const expected = 'an export is Architect’s rendering (genesys-api.md): verify publishes by identity, compare exports only with exports';
    if (normalizeExport(file) === normalizeExport(exported))
        return ok(name, `the export of ${what} equals the repository file after normalisation (not a rendering)`, {
            expected
        });
    let exportDoc;
    let fileDoc;
    try {
        exportDoc = (0,dist/* parse */.qg)(exported);
        fileDoc = (0,dist/* parse */.qg)(file);
    }
    catch {
        return warn(name, `the export of ${what} is not parseable YAML`, 'report it', { expected });
    }
    const diffs = renderingDifferences(exported, exportDoc, file, fileDoc);
    return warn(name, `the export of ${what} differs from the repository file: ${diffs.length ? diffs.join('; ') : 'in ways none of the known rendering differences explains'}`, 'a publish cannot be verified by comparing the export with the uploaded file: verify by identity (which client created which version) and compare exports only with exports', { expected });
}

;// CONCATENATED MODULE: ./src/doctor/flows.ts

const DAY_MS = 24 * 60 * 60 * 1000;
const ANALYTICS_DAYS = 7;
function describeFlow(f) {
    const parts = [`id ${f.id}`, `type ${f.type ?? '?'}`];
    parts.push(f.publishedVersion ? `published version ${f.publishedVersion.id}` : 'no published version');
    if (f.checkedInVersion && f.checkedInVersion.id !== f.publishedVersion?.id)
        parts.push(`checked-in ${f.checkedInVersion.id}`);
    parts.push(f.lockedUser
        ? `locked by ${f.lockedUser.name ?? f.lockedUser.id}`
        : f.lockedClient
            ? `locked by client ${f.lockedClient.id}`
            : 'not locked');
    return parts.join(', ');
}
/** One manifest flow in the org; a missing flow is fine for a file flow (it will be created). */
async function resolveOne(ctx, spec) {
    const name = `flow: ${spec.name}`;
    const expected = `${spec.type} flow, not locked by a person${spec.source === 'draft' ? ', with a checked-in draft' : ''}`;
    try {
        const found = await ctx.api.findFlowsByName(spec.name, spec.type);
        const live = found.filter((f) => !f.deleted);
        if (live.length > 1)
            return {
                probe: types_fail(name, `${live.length} flows named "${spec.name}" of type ${spec.type}`, 'rename or delete the duplicates: the action needs one flow per name and type', { expected }),
                resolved: { spec }
            };
        if (live.length === 0) {
            const probe = spec.source === 'draft'
                ? types_fail(name, 'not in the org', `source: draft promotes an existing flow: create "${spec.name}" in Architect or publish it from a file`, { expected })
                : ok(name, 'not in the org: the first deploy creates it', { expected });
            return { probe, resolved: { spec } };
        }
        const flow = await ctx.api.getFlow(live[0].id);
        const observed = describeFlow(flow);
        const probe = flow.lockedUser
            ? warn(name, observed, `ask ${flow.lockedUser.name ?? 'the user'} to check the flow in, or set force-unlock: true for it (audited)`, { expected })
            : ok(name, observed, { expected, required: true });
        return { probe, resolved: { spec, flow } };
    }
    catch (e) {
        return {
            probe: failedCall(name, e, 'the OAuth client needs architect:flow:view', true),
            resolved: { spec }
        };
    }
}
async function flows_resolveFlows(ctx, specs) {
    const probes = [];
    const flows = [];
    for (const spec of specs) {
        const r = await resolveOne(ctx, spec);
        probes.push(r.probe);
        flows.push(r.resolved);
    }
    return { probes, flows };
}
/** The published version's metadata: who made it (createdByClient / createdBy) and when (datePublished). */
async function probeVersionMetadata(ctx, target) {
    const name = 'version-metadata';
    const expected = 'createdByClient or createdBy, dateCreated and datePublished on the published version';
    const flow = target?.flow;
    const version = flow?.publishedVersion?.id;
    if (!flow || !version)
        return skipped(name, 'no flow of the manifest has a published version yet');
    try {
        const v = await ctx.api.getFlowVersion(flow.id, version);
        const client = v.createdByClient
            ? `createdByClient ${v.createdByClient.id}${v.createdByClient.id === ctx.clientId ? ' (this OAuth client)' : ' (another client)'}`
            : 'no createdByClient';
        const user = v.createdBy ? `createdBy ${v.createdBy.name ?? v.createdBy.id}` : 'no createdBy';
        const dates = [`dateCreated ${v.dateCreated ?? 'absent'}`, `datePublished ${v.datePublished ?? 'absent'}`].join(', ');
        const observed = `"${flow.name}" version ${version}: ${client}, ${user}, ${dates}`;
        if (!v.createdByClient && !v.createdBy)
            return warn(name, observed, 'identity verification cannot attribute this version to anyone: report it (docs/platform.md, version metadata)', { expected });
        if (!v.datePublished)
            return warn(name, observed, 'the version has no datePublished: identity verification needs it', { expected });
        return ok(name, observed, { expected });
    }
    catch (e) {
        return failedCall(name, e, 'GET /api/v2/flows/{id}/versions/{version} needs architect:flow:view', false);
    }
}
function count(res, metric) {
    let n = 0;
    for (const r of res.results ?? [])
        for (const d of r.data ?? [])
            for (const m of d.metrics)
                if (m.metric === metric)
                    n += m.stats.count ?? 0;
    return n;
}
/** Analytics over the last 7 days for one flow: traffic (nFlow) and outcome data (nFlowOutcome, nFlowOutcomeFailed). */
async function probeAnalytics(ctx, r, required) {
    const name = `analytics: ${r.spec.name}`;
    if (!r.flow)
        return skipped(name, 'the flow is not in the org yet');
    const end = ctx.clock.now();
    const interval = `${new Date(end - ANALYTICS_DAYS * DAY_MS).toISOString()}/${new Date(end).toISOString()}`;
    try {
        const res = await ctx.api.queryFlowAggregates({
            interval,
            filter: { type: 'and', predicates: [{ dimension: 'flowId', value: r.flow.id }] },
            metrics: ['nFlow', 'nFlowOutcome', 'nFlowOutcomeFailed']
        });
        const [flows, outcomes, failed] = ['nFlow', 'nFlowOutcome', 'nFlowOutcomeFailed'].map((m) => count(res, m));
        const observed = `last ${ANALYTICS_DAYS} days: nFlow ${flows}, nFlowOutcome ${outcomes}, nFlowOutcomeFailed ${failed}`;
        const expected = 'traffic, and outcome data for outcome-failure-rate checks';
        if (r.spec.type.startsWith('inqueue'))
            return warn(name, observed, 'in-queue flows are not measured as flows: give their stage an execution or http check', { expected });
        if (flows === 0)
            return warn(name, observed, 'no traffic: analytics checks will report insufficient data (on-insufficient-data decides)', { expected });
        if (outcomes === 0)
            return warn(name, observed, 'traffic but no flow outcomes: define Flow Outcomes and set them in the flow, or outcome-failure-rate has no data', { expected });
        return ok(name, observed, { expected });
    }
    catch (e) {
        return failedCall(name, e, "analytics checks need analytics:flowAggregate:view: add it to the OAuth client's role", required);
    }
}

;// CONCATENATED MODULE: ./src/doctor/platform.ts
// Probes of the platform itself: login and region, the org, rate-limit headers, the flows listing's page size, and
// the permissions no read-only call can prove.


const RATE_HEADERS = ['inin-ratelimit-count', 'inin-ratelimit-allowed', 'inin-ratelimit-reset'];
/** What issue 15's listing would like to ask for; the server may answer with less. */
const WANTED_PAGE_SIZE = 500;
function lifetimeText(seconds) {
    if (seconds >= 3600)
        return `${Math.round((seconds / 3600) * 10) / 10} h`;
    return seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
}
/** Login (token and region) and the org: GET /api/v2/organizations/me is the first call, so it also logs in. */
async function probeLoginAndOrg(ctx) {
    const where = ctx.region ? `region ${ctx.region} (${ctx.apiUrl})` : ctx.apiUrl;
    try {
        const org = await ctx.api.getOrganization();
        const lifetime = ctx.api.tokenLifetimeSeconds();
        const token = lifetime !== undefined && lifetime < 600
            ? warn('token', `login works at ${where}; token lifetime ${lifetimeText(lifetime)}`, 'raise the OAuth client token lifetime (Admin > OAuth) above the longest bake: the action renews tokens, but a very short lifetime costs a login per few calls', { required: true })
            : ok('token', `login works at ${where}; token lifetime ${lifetime === undefined ? 'unknown' : lifetimeText(lifetime)}`, {
                required: true,
                expected: 'a client-credentials token (default lifetime 24 h)'
            });
        const orgProbe = ok('organization', `org "${org.name ?? '(no name)'}" id ${org.id}`, { required: true });
        return { probes: [token, orgProbe], loggedIn: true };
    }
    catch (e) {
        if (ctx.api.tokenLifetimeSeconds() === undefined) {
            return {
                probes: [
                    types_fail('token', `login failed at ${where}: ${(0,genesys_errors/* errorText */.kc)(e)}`, 'check client-id, client-secret (same OAuth client, Client Credentials grant) and that region is the org’s region')
                ],
                loggedIn: false
            };
        }
        const probe = failedCall('organization', e, 'the token works but GET /api/v2/organizations/me failed: check the OAuth client’s roles and api-url', true);
        return { probes: [ok('token', `login works at ${where}`, { required: true }), probe], loggedIn: true };
    }
}
/** `inin-ratelimit-*` on the last response (the action paces itself at 280 requests/min either way). */
function probeRateLimitHeaders(ctx) {
    const headers = ctx.api.lastResponseHeaders() ?? {};
    const seen = RATE_HEADERS.filter((h) => headers[h] !== undefined);
    const shown = seen.map((h) => `${h}: ${headers[h]}`).join(', ');
    const expected = '300 requests/min per token; inin-ratelimit-count/-allowed/-reset (genesys-api.md)';
    if (seen.length === RATE_HEADERS.length)
        return ok('rate-limit-headers', shown, { expected });
    return warn('rate-limit-headers', seen.length ? `only ${shown}` : 'no inin-ratelimit-* header on a successful response', 'nothing to do: the action paces itself at 280 requests/min; the headers were expected on every response, record what you see in docs/platform.md', { expected });
}
/** The page size GET /api/v2/flows accepts: ask for 500 and report what comes back. */
async function probePageSize(ctx) {
    const name = 'flows-page-size';
    const expected = `pageSize ${WANTED_PAGE_SIZE} honoured (the action pages by 100)`;
    try {
        const page = await ctx.api.listFlowsPage({ pageSize: WANTED_PAGE_SIZE });
        const got = page.pageSize;
        const observed = `asked for pageSize ${WANTED_PAGE_SIZE}: pageSize ${got ?? '(absent)'}, ${page.entities.length} flow(s) on page 1 of ${page.pageCount ?? '?'}, total ${page.total ?? '?'}`;
        if (got === WANTED_PAGE_SIZE)
            return ok(name, observed, { expected });
        return warn(name, observed, 'nothing to do for releases (they page by 100); record the accepted maximum in docs/platform.md', {
            expected
        });
    }
    catch (e) {
        return failedCall(name, e, `pageSize ${WANTED_PAGE_SIZE} was refused: keep pages of 100 (what the action uses)`, false);
    }
}
/** Permissions that only a change could prove: said so, never tried. */
function unobservablePermissions(ctx) {
    const kinds = new Set(Object.values(ctx.manifest.checks).map((c) => c.kind));
    const probes = [
        skipped('permission:architect:flow:publish', 'not observable read-only (publishing is a change); the first plan/deploy shows it: a 403 names the missing permission')
    ];
    if (kinds.has('execution')) {
        probes.push(skipped('permission:architect:flow:launch', 'not observable read-only (launching an execution runs the workflow); execution checks need it'));
    }
    return probes;
}

;// CONCATENATED MODULE: ./src/doctor/doctor.ts
// `command: doctor` end to end: the probes in order, each journaled (`doctor-probe`) and logged as it is found, then
// doctor.json beside the audit. The outcome is `succeeded` when every required probe passed, else `failed`.
// Read-only but for one Architect job registered and never uploaded (see exports.ts).






const MARK = { ok: '✔', warn: '⚠', fail: '✖', skipped: '–' };
/** Journal + log for one probe. */
function probeReporter(journal, log) {
    return (p) => {
        const status = p.result === 'ok' ? 'ok' : p.result === 'fail' ? 'error' : p.result === 'warn' ? 'warning' : 'info';
        journal.append('doctor-probe', {
            status,
            details: {
                name: p.name,
                ok: passed(p),
                result: p.result,
                required: p.required,
                observed: p.observed,
                ...(p.expected ? { expected: p.expected } : {}),
                ...(p.fix ? { fix: p.fix } : {})
            }
        });
        const line = `${MARK[p.result]} ${p.name}: ${p.result}${p.required ? ' (required)' : ''} — ${p.observed}${p.fix ? ` (${p.result === 'skipped' ? 'why' : 'fix'}: ${p.fix})` : ''}`;
        if (p.result === 'fail')
            log.error(line);
        else if (p.result === 'warn')
            log.warning(line);
        else
            log.info(line);
    };
}
function selected(ctx) {
    const wanted = ctx.flowsFilter;
    return wanted?.length ? ctx.manifest.flows.filter((f) => wanted.includes(f.name)) : ctx.manifest.flows;
}
/** Every probe, in order; stops after a failed login (nothing else can be observed). */
async function probeAll(ctx, add) {
    const login = await probeLoginAndOrg(ctx);
    add(login.probes);
    if (!login.loggedIn) {
        add(skipped('everything else', 'login failed: nothing else can be observed'));
        return;
    }
    add(probeRateLimitHeaders(ctx));
    add(await probePageSize(ctx));
    const specs = selected(ctx);
    const resolved = await flows_resolveFlows(ctx, specs);
    add(resolved.probes);
    add(await probeJobRegistration(ctx, specs.some((f) => f.source === 'file')));
    const target = exportTarget(resolved.flows);
    add(await probeExports(ctx, target));
    add(await probeVersionMetadata(ctx, target));
    const analyticsRequired = Object.values(ctx.manifest.checks).some((c) => c.kind === 'analytics');
    for (const r of resolved.flows)
        add(await probeAnalytics(ctx, r, analyticsRequired));
    add(unobservablePermissions(ctx));
}
async function runDoctor(ctx, evidenceDir) {
    const probes = [];
    const add = (p) => {
        for (const x of Array.isArray(p) ? p : [p]) {
            probes.push(x);
            ctx.report(x);
        }
    };
    ctx.log.startGroup('Doctor: read-only probes of the org');
    try {
        await probeAll(ctx, add);
    }
    finally {
        ctx.log.endGroup();
    }
    const failedRequired = probes.filter((p) => p.required && !passed(p));
    const count = (r) => probes.filter((p) => p.result === r).length;
    const tally = `${probes.length} probes: ${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail, ${count('skipped')} skipped`;
    const outcome = failedRequired.length === 0 ? 'succeeded' : 'failed';
    const message = outcome === 'succeeded'
        ? `Doctor: every required probe passed (${tally}).`
        : `Doctor: ${failedRequired.map((p) => p.name).join(', ')} failed (${tally}).`;
    const result = { outcome, probes, message };
    if (outcome === 'succeeded')
        ctx.log.info(message);
    else
        ctx.log.error(message);
    if (evidenceDir) {
        result.reportPath = (0,external_node_path_.join)(evidenceDir, 'doctor.json');
        const doc = { schemaVersion: 1, target: { apiUrl: ctx.apiUrl, region: ctx.region }, outcome, message, probes };
        (0,external_node_fs_.writeFileSync)(result.reportPath, `${JSON.stringify(doc, null, 2)}\n`);
        ctx.log.info(`Doctor report: ${result.reportPath}`);
    }
    return result;
}

;// CONCATENATED MODULE: ./src/common/version.ts
// Kept in step with package.json by test/version.test.ts.
const TOOL_NAME = 'flow-release';
const TOOL_VERSION = '0.1.0';

;// CONCATENATED MODULE: ./src/pipeline.ts
// One release, independent of where it runs: validate the manifest → read the last record → run the engine → commit
// what went live. It receives a typed settings object and its collaborators; the runner edge (main.ts) wires them.














async function runPipeline(ctx) {
    const { inputs, releaseId, journal, log } = ctx;
    const endpoints = regions_resolveEndpoints({ region: inputs.region, apiUrl: inputs.apiUrl, loginUrl: inputs.loginUrl });
    journal.append('release-started', {
        status: 'info',
        details: {
            releaseId,
            command: inputs.command,
            toolVersion: TOOL_VERSION,
            target: { region: endpoints.region, apiUrl: endpoints.apiUrl, loginUrl: endpoints.loginUrl },
            github: ctx.github,
            manifest: inputs.manifest,
            flowsFilter: inputs.flows
        }
    });
    log.info(`Flow Release ${TOOL_VERSION}: ${inputs.command} ${inputs.manifest} → ${endpoints.apiUrl} (release ${releaseId})`);
    const manifest = await pipeline_validate(ctx);
    if (!manifest.ok)
        return manifest.end;
    const artifactsDir = (0,external_node_path_.join)(ctx.workspace, manifest.manifest.artifacts.dir);
    const lastRecord = await readReleaseRecord(artifactsDir);
    const api = new GenesysClient({
        apiUrl: endpoints.apiUrl,
        loginUrl: endpoints.loginUrl,
        clientId: inputs.clientId,
        clientSecret: inputs.clientSecret,
        clock: ctx.clock,
        logger: log,
        onSecret: (v) => log.setSecret(v)
    });
    if (inputs.command === 'doctor')
        return doctor(ctx, api, manifest.manifest, endpoints);
    // A flows input naming an unknown flow is refused by the engine before anything: it needs no ledger.
    const knownFlows = filterFlows(manifest.manifest.flows, inputs.flows).unknown.length === 0;
    const ledger = knownFlows ? await openLedger(ctx, api) : { ok: true, handle: undefined };
    if (!ledger.ok)
        return ledger.end;
    const exportAfter = inputs.commitArtifacts && inputs.command !== 'plan';
    const result = await runRelease({
        api,
        journal,
        clock: ctx.clock,
        log,
        signal: ctx.signal,
        httpGet: ctx.httpGet,
        ledger: ledger.handle,
        clientId: inputs.clientId
    }, {
        command: inputs.command,
        manifest: manifest.manifest,
        flowsFilter: inputs.flows,
        lastRecord,
        releaseId,
        exportAfter,
        recordedContent: recordedContent(artifactsDir, lastRecord)
    });
    const end = {
        outcome: result.outcome,
        published: result.published,
        message: result.message,
        api: api.stats()
    };
    // The engine has already logged its message (which starts with the outcome): say only what happens next.
    if (result.outcome === 'succeeded' && exportAfter && result.published.length > 0) {
        await commit(ctx, manifest.manifest, result.exports, lastRecord, end);
    }
    return end;
}
/** `command: doctor`: read-only probes of the org instead of a release (src/doctor/). */
async function doctor(ctx, api, manifest, endpoints) {
    const result = await runDoctor({
        api,
        manifest,
        flowsFilter: ctx.inputs.flows,
        clientId: ctx.inputs.clientId,
        apiUrl: endpoints.apiUrl,
        region: endpoints.region,
        clock: ctx.clock,
        log: ctx.log,
        signal: ctx.signal,
        report: probeReporter(ctx.journal, ctx.log)
    }, ctx.evidenceDir);
    return { outcome: result.outcome, published: [], message: result.message, api: api.stats() };
}
/** The run's GitHub URL, which the ledger records with the lock and the release (and proves finished). */
function runUrl(g) {
    if (!g.serverUrl || !g.repository || !g.runId)
        return undefined;
    return `${g.serverUrl.replace(/\/+$/, '')}/${g.repository}/actions/runs/${g.runId}`;
}
/**
 * Before anything else touches the org: its id (GET /api/v2/organizations/me), then its ledger on the state branch.
 * A ledger that cannot be read stops the run with its message; nothing was changed.
 */
async function openLedger(ctx, api) {
    const { inputs, log, journal } = ctx;
    try {
        const org = await api.getOrganization();
        const store = ctx.ledgerStore ??
            (await git_store/* GitLedgerStore */.dn.open({
                cwd: ctx.workspace,
                branch: inputs.stateBranch,
                ...(ctx.localLedger ? { remote: null } : {}),
                ...(inputs.githubToken ? { token: inputs.githubToken } : {}),
                logger: log,
                clock: ctx.clock
            }));
        const read = await store.read(org.id);
        const doc = read.doc;
        journal.append('ledger-read', {
            status: 'info',
            details: {
                orgId: org.id,
                ...(org.name ? { orgName: org.name } : {}),
                location: store.location,
                branch: inputs.stateBranch,
                rev: read.rev ?? null,
                releases: doc?.history.length ?? 0,
                ...(doc?.inProgress
                    ? { inProgress: pick(doc.inProgress, ['releaseId', 'runUrl', 'startedAt']) }
                    : {}),
                ...(doc?.lock ? { lock: pick(doc.lock, ['holder', 'runUrl', 'leaseUntil']) } : {})
            }
        });
        log.info(`Release ledger of org ${org.id}${org.name ? ` (${org.name})` : ''}: ${store.location}, ${doc?.history.length ?? 0} release(s).`);
        const handle = {
            store,
            org,
            doc,
            runUrl: runUrl(ctx.github),
            actor: ctx.github.actor,
            commit: ctx.github.sha || undefined,
            takeover: inputs.takeoverLock,
            onUnfinished: inputs.onUnfinished,
            rollbackTo: inputs.rollbackTo,
            holderFinished: githubRunFinished({ apiUrl: ctx.githubApiUrl, token: inputs.githubToken })
        };
        return { ok: true, handle };
    }
    catch (e) {
        const message = redact/* redactor */.$.redact(e instanceof Error ? e.message : String(e));
        if (inputs.command === 'plan' && e instanceof ledger_errors/* LedgerError */.o) {
            // A plan changes nothing: it goes on without the ledger's memory (change detection from release.json).
            const text = `The release ledger cannot be read, so this plan does not use it: ${message}`;
            journal.append('warning', { status: 'warning', details: { message: text } });
            log.warning(text);
            return { ok: true, handle: undefined };
        }
        const what = e instanceof ledger_errors/* LedgerError */.o ? 'The release ledger cannot be used' : 'Could not read the org and its release ledger';
        const stepError = `${what}: ${message} Nothing was changed in the org.`;
        journal.append('error', { status: 'error', details: { message: stepError } });
        log.error(stepError);
        return { ok: false, end: { outcome: 'failed', stepError } };
    }
}
function pick(o, keys) {
    const out = {};
    for (const k of keys)
        if (o[k] !== undefined)
            out[k] = o[k];
    return out;
}
/** Loads the manifest and every flow file; each problem becomes an annotation at its file and line. */
async function pipeline_validate(ctx) {
    const { log, journal } = ctx;
    log.startGroup('Validate the manifest and flow files');
    try {
        const loaded = await loadManifest({
            workspace: ctx.workspace,
            manifestPath: ctx.inputs.manifest,
            builtins: ctx.builtins
        });
        if (!loaded.ok) {
            for (const issue of loaded.issues) {
                log.error(formatIssue(issue), {
                    file: issue.file,
                    startLine: issue.line,
                    startColumn: issue.column,
                    title: issue.path ? `Flow Release: ${issue.path}` : 'Flow Release'
                });
            }
            journal.append('validation-failed', { status: 'error', details: { issues: loaded.issues } });
            const stepError = `The manifest has ${loaded.issues.length} problem(s); nothing was changed in the org. Fix them and re-run.`;
            return { ok: false, end: { outcome: 'failed', stepError } };
        }
        log.info(`Manifest OK: ${loaded.manifest.flows.length} flow(s) in ${loaded.manifest.stages.length} stage(s).`);
        return { ok: true, manifest: loaded.manifest };
    }
    finally {
        log.endGroup();
    }
}
/** The exported YAML committed for each flow of the last record, by flow name (what `command: rollback` restores). */
function recordedContent(artifactsDir, record) {
    const content = new Map();
    for (const f of record?.flows ?? []) {
        try {
            content.set(f.name, (0,external_node_fs_.readFileSync)((0,external_node_path_.join)(artifactsDir, f.file), 'utf8'));
        }
        catch {
            // The rollback command reports flows whose recorded content is missing.
        }
    }
    return content;
}
async function commit(ctx, manifest, exports, lastRecord, end) {
    ctx.log.startGroup('Commit the published flows');
    try {
        const committed = await commitArtifacts({
            committer: new GitCommitter({ logger: ctx.log }),
            workspace: ctx.workspace,
            manifest,
            result: { exports },
            lastRecord,
            releaseId: ctx.releaseId,
            command: ctx.inputs.command,
            sourceCommit: ctx.github.sha ?? '',
            branch: ctx.branch,
            token: ctx.inputs.githubToken,
            journal: ctx.journal
        });
        end.commitSha = committed.sha;
    }
    catch (e) {
        end.stepError = `The release succeeded, but committing the published flows failed: ${redact/* redactor */.$.redact(e instanceof Error ? e.message : String(e))} The exported flows are in the audit artifact.`;
    }
    finally {
        ctx.log.endGroup();
    }
}


/***/ }),

/***/ 97428:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GP: () => (/* binding */ getInputs),
/* harmony export */   Lo: () => (/* binding */ COMMANDS),
/* harmony export */   dz: () => (/* binding */ InputError)
/* harmony export */ });
/* unused harmony exports hasControlChars, parseFlowNames */
/* harmony import */ var _ledger_git_store_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(29858);
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6800);


class InputError extends Error {
    problems;
    constructor(problems) {
        super(`Invalid action inputs (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.name = 'InputError';
        this.problems = problems;
    }
}
const COMMANDS = ['deploy', 'plan', 'rollback', 'doctor'];
const DEFAULT_MANIFEST = 'genesys/release.yml';
const DEFAULT_ARTIFACT_NAME = 'flow-release-audit';
// GitHub refuses these in artifact names; path separators would also let the name escape the upload directory.
const ARTIFACT_FORBIDDEN = /["<>|*?:\\/]/;
/** C0 control characters and DEL (written as a function: eslint forbids control characters in regexes). */
function hasControlChars(s) {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 32 || c === 127)
            return true;
    }
    return false;
}
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/** Shows a user-supplied value in a message: quoted, one line, short; a value that overlaps a secret is hidden. */
function showValue(value, secrets = []) {
    // Case-insensitive: an upper-cased secret still gives it away.
    const v = value.toLowerCase();
    for (const secret of secrets) {
        const s = secret.toLowerCase();
        if (s.length >= 4 && (v.includes(s) || (v.length >= 4 && s.includes(v))))
            return "'***' (hidden: it matches a secret)";
    }
    const oneLine = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    return `'${oneLine.slice(1, -1).replace(/'/g, "\\'")}'`;
}
function parseBool(name, raw, fallback, problems, show) {
    const v = raw.trim().toLowerCase();
    if (v === '')
        return fallback;
    if (v === 'true' || v === 'yes')
        return true;
    if (v === 'false' || v === 'no')
        return false;
    problems.push(`${name} must be true or false (also yes/no) (got ${show(raw)})`);
    return fallback;
}
function parseBaseUrl(name, raw, problems, show) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        problems.push(`${name} must be an absolute URL such as https://api.mypurecloud.com (got ${show(raw)})`);
        return undefined;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        problems.push(`${name} must use https:// (got ${show(url.protocol)})`);
        return undefined;
    }
    // Plain http would send the client secret and tokens in clear: only allowed to this machine (the emulator).
    if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
        problems.push(`${name} uses plain http:// to a non-loopback host (got ${show(raw)}); credentials would travel unencrypted. Use https://, or http:// only for localhost/127.0.0.1`);
        return undefined;
    }
    if (url.username || url.password) {
        problems.push(`${name} must not contain credentials (user:password@); pass client-id and client-secret instead`);
        return undefined;
    }
    if (url.search || url.hash) {
        problems.push(`${name} must not have a query string or fragment; give the base URL only, e.g. ${url.origin}`);
        return undefined;
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
/**
 * Reads and validates every input through `get` (core.getInput, the CLI's values, a test's function). Secrets are
 * registered with `secrets` (the process-wide redactor by default) as soon as they are read.
 */
function getInputs(get, secrets = _common_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redactor */ .$) {
    const problems = [];
    const read = (name) => {
        try {
            const v = get(name);
            return typeof v === 'string' ? v : '';
        }
        catch {
            problems.push(`${name} could not be read`);
            return '';
        }
    };
    const clientSecret = read('client-secret');
    const githubToken = read('github-token').trim();
    secrets.add(clientSecret);
    secrets.add(clientSecret.trim());
    secrets.add(githubToken);
    const secretValues = [clientSecret, clientSecret.trim(), githubToken];
    const r = { read, problems, show: (value) => showValue(value, secretValues) };
    const command = readCommand(r);
    const manifest = readManifestPath(r);
    const target = readTarget(r);
    const clientId = readClientId(r);
    if (!clientSecret.trim())
        problems.push('client-secret is required: pass it from a repository secret, e.g. ${{ secrets.GENESYS_CLIENT_SECRET }}');
    const flows = readFlows(r);
    const commitArtifacts = parseBool('commit-artifacts', read('commit-artifacts'), true, problems, r.show);
    const auditArtifactName = readArtifactName(r);
    const state = readStateInputs(r);
    if (state.rollbackTo && command !== 'rollback') {
        problems.push(`rollback-to is only read by command: rollback (command is ${command}); remove it or set command: rollback`);
    }
    if (problems.length > 0) {
        // Defence in depth: an input value that happens to hold the secret (pasted in the wrong field) is masked.
        throw new InputError(problems.map((p) => mask(p, secretValues)));
    }
    return {
        command,
        manifest,
        ...target,
        clientId,
        clientSecret,
        ...(flows ? { flows } : {}),
        commitArtifacts,
        ...(githubToken ? { githubToken } : {}),
        auditArtifactName,
        ...state
    };
}
/** The ledger inputs: state-branch, takeover-lock, on-unfinished, rollback-to. */
function readStateInputs(r) {
    const { read, problems, show } = r;
    const stateBranch = read('state-branch').trim() || _ledger_git_store_js__WEBPACK_IMPORTED_MODULE_0__/* .DEFAULT_STATE_BRANCH */ .rF;
    // git check-ref-format, the parts that matter here; the ledger store checks again before any git call.
    if (hasControlChars(stateBranch) ||
        /[\s~^:?*[\\]|\.\.|@\{|\/\/|\.lock$|^[-./]|[./]$/.test(stateBranch) ||
        stateBranch.length > 200) {
        problems.push(`state-branch must be a plain git branch name such as ${_ledger_git_store_js__WEBPACK_IMPORTED_MODULE_0__/* .DEFAULT_STATE_BRANCH */ .rF} (got ${show(stateBranch)})`);
    }
    const takeoverLock = parseBool('takeover-lock', read('takeover-lock'), false, problems, show);
    const rawUnfinished = read('on-unfinished').trim();
    const unfinished = rawUnfinished.toLowerCase() || 'restore';
    if (unfinished !== 'restore' && unfinished !== 'stop') {
        problems.push(`on-unfinished must be restore or stop (got ${show(rawUnfinished)})`);
    }
    const rollbackTo = read('rollback-to').trim();
    if (rollbackTo && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(rollbackTo)) {
        problems.push(`rollback-to must be a release id such as rel-20260101T120000Z-a1b2c3 (see the ledger's history) (got ${show(rollbackTo)})`);
    }
    return {
        stateBranch,
        takeoverLock,
        onUnfinished: unfinished === 'stop' ? 'stop' : 'restore',
        ...(rollbackTo ? { rollbackTo } : {})
    };
}
function readCommand({ read, problems, show }) {
    const raw = read('command').trim();
    const lower = raw.toLowerCase() || 'deploy';
    if (COMMANDS.includes(lower))
        return lower;
    problems.push(`command must be one of ${COMMANDS.join(', ')} (got ${show(raw)})`);
    return 'deploy';
}
function readManifestPath({ read, problems, show }) {
    const manifest = read('manifest').trim() || DEFAULT_MANIFEST;
    if (hasControlChars(manifest))
        problems.push(`manifest must be a file path without control characters (got ${show(manifest)})`);
    else if (manifest.split(/[\\/]/).some((seg) => seg.startsWith('-')))
        problems.push(`manifest must not have a path segment starting with '-' (got ${show(manifest)}): it could be read as an option; rename the file or directory, e.g. ${DEFAULT_MANIFEST}`);
    else if (manifest.split(/[\\/]/).some((seg) => /^\.git[. ]*$/i.test(seg)))
        problems.push(`manifest must not point into a .git directory (got ${show(manifest)}); use a file of the working tree such as ${DEFAULT_MANIFEST}`);
    return manifest;
}
/** The org to talk to: a region domain, or an explicit api-url + login-url pair (a gateway, the emulator). */
function readTarget(r) {
    const { read, problems, show } = r;
    const regionInput = read('region').trim();
    const regionRaw = regionInput.toLowerCase();
    let region;
    if (regionRaw) {
        if (/^https?:\/\//.test(regionRaw)) {
            problems.push(`region is a domain, not a URL (got ${show(regionInput)}); write e.g. mypurecloud.com, or set api-url and login-url`);
        }
        else if (!/^(?=.{4,100}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(regionRaw)) {
            problems.push(`region must be a Genesys Cloud domain such as mypurecloud.com, mypurecloud.ie or usw2.pure.cloud (got ${show(regionInput)})`);
        }
        else
            region = regionRaw;
    }
    const apiRaw = read('api-url').trim();
    const loginRaw = read('login-url').trim();
    const apiUrl = apiRaw ? parseBaseUrl('api-url', apiRaw, problems, show) : undefined;
    const loginUrl = loginRaw ? parseBaseUrl('login-url', loginRaw, problems, show) : undefined;
    if (!!apiRaw !== !!loginRaw) {
        problems.push(`api-url and login-url go together (only ${apiRaw ? 'api-url' : 'login-url'} is set); set both, or neither and use region`);
    }
    else if (!apiRaw && !regionRaw) {
        problems.push('region or api-url+login-url is required: set region (e.g. mypurecloud.com), or api-url and login-url for a gateway or the emulator');
    }
    return { ...(region ? { region } : {}), ...(apiUrl ? { apiUrl } : {}), ...(loginUrl ? { loginUrl } : {}) };
}
function readClientId({ read, problems }) {
    const clientId = read('client-id').trim();
    if (!clientId)
        problems.push('client-id is required: pass the OAuth client id of a client-credentials grant, e.g. ${{ secrets.GENESYS_CLIENT_ID }}');
    else if (/\s/.test(clientId) || hasControlChars(clientId))
        problems.push('client-id must not contain whitespace or control characters; check the secret or variable it comes from');
    return clientId;
}
/**
 * The flows input: with a line break in it, one flow name per line (a name may contain a comma); on one line, a
 * comma-separated list. Blank lines and the spaces around each name are ignored.
 */
function parseFlowNames(raw) {
    const parts = /[\r\n]/.test(raw) ? raw.split(/\r?\n|\r/) : raw.split(',');
    return [...new Set(parts.map((s) => s.trim()).filter((s) => s !== ''))];
}
function readFlows({ read, problems }) {
    const names = parseFlowNames(read('flows'));
    if (names.length === 0)
        return undefined;
    if (names.some((n) => hasControlChars(n))) {
        problems.push('flows must be flow names (one per line, or comma-separated on one line) without control characters');
        return undefined;
    }
    return names;
}
function readArtifactName({ read, problems, show }) {
    const name = read('audit-artifact-name').trim() || DEFAULT_ARTIFACT_NAME;
    if (name.length > 100)
        problems.push(`audit-artifact-name must be at most 100 characters (got ${name.length})`);
    if (ARTIFACT_FORBIDDEN.test(name) || hasControlChars(name)) {
        problems.push(`audit-artifact-name must not contain / \\ " : < > | * ? or control characters (got ${show(name)}); use e.g. ${DEFAULT_ARTIFACT_NAME}`);
    }
    return name;
}
function mask(text, secrets) {
    let out = text;
    for (const s of secrets.filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) {
        // Repeat: a replacement next to similar characters can form a new occurrence. Each pass shrinks the text.
        while (out.includes(s))
            out = out.split(s).join('***');
        // show() may have escaped the secret (quotes, backslashes, non-ASCII as-is): mask that form too.
        const escaped = JSON.stringify(s).slice(1, -1).replace(/'/g, "\\'");
        while (escaped.length >= 4 && out.includes(escaped))
            out = out.split(escaped).join('***');
        // A value truncated by show() can still carry a long prefix of the secret.
        if (s.length > 20)
            out = out.split(s.slice(0, 20)).join('***');
    }
    return out;
}


/***/ })

};
