export const id = 836;
export const ids = [836];
export const modules = {

/***/ 48338:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ uploadAudit)
/* harmony export */ });
/* unused harmony export isGhes */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
// Uploads the audit evidence as a workflow artifact on a runner; off a runner (local runs, the demo) copies it to a
// local folder instead and says where. The artifact client is injected so tests never upload.



/** What the artifact client says of a GitHub Enterprise Server host (it has no artifact service for it). */
function isGhes(env) {
    let host;
    try {
        host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase();
    }
    catch {
        return false;
    }
    return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}
function ghesNotice(env) {
    return (`The audit artifact was not uploaded: this action's artifact client does not support GitHub Enterprise Server ` +
        `(${env.GITHUB_SERVER_URL ?? 'this server'}). The audit log stays on the runner at the path in the audit-log ` +
        'output; to keep it, add a step that uploads that path with the upload-artifact version your server supports.');
}
/** Artifact names may not contain these (the artifact service rejects them). */
const BAD_NAME = /["':<>|*?\\/\r\n]/;
async function uploadAudit(options) {
    const env = options.env ?? process.env;
    const { name, files, rootDir } = options;
    if (!name.trim() || BAD_NAME.test(name)) {
        throw new Error(`Invalid audit-artifact-name "${name}": use letters, digits, dots, dashes and underscores (no " : < > | * ? \\ / or newlines).`);
    }
    if (!files.length)
        throw new Error('No audit files to upload.');
    if (env.ACTIONS_RUNTIME_TOKEN) {
        if (isGhes(env))
            return { skipped: ghesNotice(env) };
        const client = options.client ?? (await defaultClient());
        let res;
        try {
            res = await client.uploadArtifact(name, files, rootDir, {
                ...(options.retentionDays !== undefined && { retentionDays: options.retentionDays }),
                // The audit log is JSON: it compresses well and is small.
                compressionLevel: 6
            });
        }
        catch (e) {
            if (e instanceof Error && e.name === 'GHESNotSupportedError')
                return { skipped: ghesNotice(env) };
            throw e;
        }
        if (res.id === undefined || res.id === null) {
            throw new Error(`Uploading artifact "${name}" returned no artifact id, so it cannot be linked or proven uploaded. ` +
                'Check that the job can write artifacts (actions/upload-artifact works in this workflow) and re-run.');
        }
        return { id: res.id, ...(res.size !== undefined && { size: res.size }) };
    }
    // Off a runner: keep the same layout the artifact would have, relative to rootDir.
    const target = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'flow-release-artifacts', name);
    const root = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(rootDir);
    for (const file of files) {
        const rel = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.relative)(root, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(file));
        const dest = rel && !rel.startsWith('..') && !(0,node_path__WEBPACK_IMPORTED_MODULE_2__.isAbsolute)(rel) ? (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(target, rel) : (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(target, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.basename)(file));
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(dest), { recursive: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.copyFileSync)(file, dest);
    }
    return { localPath: target };
}
async function defaultClient() {
    // Loaded only on a runner: the artifact client pulls in a large dependency tree.
    const { DefaultArtifactClient } = await Promise.all(/* import() */[__webpack_require__.e(830), __webpack_require__.e(584)]).then(__webpack_require__.bind(__webpack_require__, 20584));
    return new DefaultArtifactClient();
}


/***/ }),

/***/ 18980:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ safeText),
/* harmony export */   W: () => (/* binding */ coreLogger)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(91659);
/* harmony import */ var _common_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6800);
// The Logger that writes to the runner through @actions/core. Every line is redacted, and a line that would start a
// workflow command (`::name::`) is defused, so a hostile flow name or API message can never mask output, stop command
// processing or set an output.


/**
 * Makes text safe to print on a runner: redacted, and no line can be read as a workflow command — neither `::name::`
 * at the start of a line nor the legacy `##[name]` form, which the runner recognises anywhere in a line.
 */
function safeText(text) {
    const clean = _common_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redactor */ .$.redact(text);
    // Fast path for the common line (no CR, nothing that could read as a command): no split/map/join copies.
    if (!clean.includes('::') && !clean.includes('##[') && !clean.includes('\r'))
        return clean;
    return clean
        .split(/\r?\n|\r/)
        .map((line) => (/^\s*::/.test(line) ? `\u2063${line.replace(/::/g, ':\u2063:')}` : line))
        .map((line) => line.replace(/##\[/g, '#\u2063#['))
        .join('\n');
}
const coreLogger = {
    debug: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(safeText(m)),
    info: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(safeText(m)),
    warning: (m, a) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(safeText(m), a),
    error: (m, a) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(safeText(m), a),
    startGroup: (n) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .startGroup */ .Oh(safeText(n)),
    endGroup: () => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .endGroup */ .N4(),
    setSecret: (v) => {
        _common_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redactor */ .$.add(v);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(v);
    }
};


/***/ }),

/***/ 33175:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $B: () => (/* binding */ markEvidenceUploaded),
/* harmony export */   YV: () => (/* binding */ evidenceToUpload),
/* harmony export */   kW: () => (/* binding */ saveEvidenceLocation)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(91659);
// What the main step hands to the post step (core.saveState / core.getState): where the evidence is and whether it
// was uploaded. The post step uploads it when the main step could not (cancelled, crashed, upload failed).

const KEYS = {
    evidenceDir: 'evidence-dir',
    files: 'evidence-files',
    uploaded: 'evidence-uploaded',
    artifactName: 'audit-artifact-name'
};
function saveEvidenceLocation(loc) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(KEYS.evidenceDir, loc.dir);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(KEYS.files, JSON.stringify([loc.journalPath, loc.auditPath]));
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(KEYS.artifactName, loc.artifactName);
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(KEYS.uploaded, 'false');
}
function markEvidenceUploaded() {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(KEYS.uploaded, 'true');
}
/** The evidence the main step left for the post step to upload; undefined when uploaded or never started. */
function evidenceToUpload() {
    if (_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(KEYS.uploaded) !== 'false')
        return undefined;
    const [journalPath, auditPath] = JSON.parse(_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(KEYS.files) || '[]');
    return {
        dir: _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(KEYS.evidenceDir),
        journalPath,
        auditPath,
        artifactName: _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(KEYS.artifactName)
    };
}


/***/ }),

/***/ 31836:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// UNUSED EXPORTS: cancelledFinish, newReleaseId

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/action/github.ts
function githubContext(env) {
    return {
        repository: env.GITHUB_REPOSITORY,
        sha: env.GITHUB_SHA,
        ref: env.GITHUB_REF,
        runId: env.GITHUB_RUN_ID,
        runAttempt: env.GITHUB_RUN_ATTEMPT,
        actor: env.GITHUB_ACTOR,
        event: env.GITHUB_EVENT_NAME,
        workflow: env.GITHUB_WORKFLOW,
        serverUrl: env.GITHUB_SERVER_URL
    };
}
/** The workflow run's page, when running on GitHub. */
function runUrl(env) {
    return env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined;
}
/** A commit's page, when running on GitHub. */
function commitUrl(env, sha) {
    return sha && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
        ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/commit/${sha}`
        : undefined;
}
/** The branch a push goes to: the pull request's head branch, else the ref that triggered the run. */
function pushBranch(env) {
    return env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || '';
}

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(91659);
// EXTERNAL MODULE: ./src/common/redact.ts
var redact = __webpack_require__(6800);
// EXTERNAL MODULE: ./src/settings/inputs.ts
var inputs = __webpack_require__(97428);
;// CONCATENATED MODULE: ./src/action/inputs.ts
// The one place that reads the action's inputs (core.getInput); what they mean and how they are validated is
// src/settings/inputs.ts, shared with the CLI.




/** Reads and validates every input; `get` defaults to core.getInput (tests pass a plain function). */
function getInputs(
// flows keeps its line breaks (a trailing one selects line mode for a single name with a comma).
get = (n) => core/* getInput */.V4(n, { trimWhitespace: n !== 'flows' }), secrets = redact/* redactor */.$) {
    return (0,inputs/* getInputs */.GP)(get, secrets);
}

// EXTERNAL MODULE: ./src/action/logger.ts
var logger = __webpack_require__(18980);
// EXTERNAL MODULE: ./src/evidence/audit.ts
var evidence_audit = __webpack_require__(51178);
// EXTERNAL MODULE: ./src/journal/derive.ts + 2 modules
var derive = __webpack_require__(54879);
;// CONCATENATED MODULE: ./src/evidence/outputs.ts
// The action's outputs: a pure function of the journal plus what happened after it (audit path, artifact, commit).

function computeOutputs(events, extra) {
    const d = (0,derive/* deriveRelease */.h)(events);
    // Fixed key order so the output is byte-stable for the same release.
    const published = d.published.map((p) => ({
        name: p.name,
        type: p.type,
        flowId: p.flowId,
        fromVersion: p.fromVersion,
        toVersion: p.toVersion
    }));
    const commitSha = extra.commitSha ?? (d.commit?.pushed ? d.commit.sha : undefined);
    const artifactId = extra.artifactId;
    return {
        outcome: d.outcome,
        'release-id': d.releaseId ?? '',
        published: JSON.stringify(published),
        'audit-log': extra.auditLogPath,
        'artifact-id': artifactId === undefined ? '' : String(artifactId),
        'commit-sha': commitSha ?? ''
    };
}

// EXTERNAL MODULE: ./src/evidence/summary.ts + 4 modules
var summary = __webpack_require__(18414);
// EXTERNAL MODULE: ./src/evidence/seal.ts
var seal = __webpack_require__(10500);
// EXTERNAL MODULE: ./src/evidence/markdown.ts
var evidence_markdown = __webpack_require__(51508);
;// CONCATENATED MODULE: ./src/action/summary-sink.ts
// Writes the step summary through @actions/core: the action's edge, kept out of the pure summary builder.


/**
 * Appends the Markdown to the job summary. Returns false (and writes nothing) off a runner, where the default
 * `core.summary` has no GITHUB_STEP_SUMMARY file to write to.
 */
async function writeSummary(markdown, summary) {
    if (!summary && !process.env.GITHUB_STEP_SUMMARY)
        return false;
    await (summary ?? core/* summary */.z).addRaw((0,evidence_markdown/* capSummary */.NK)(markdown), true).write();
    return true;
}

// EXTERNAL MODULE: ./src/action/artifact.ts
var artifact = __webpack_require__(48338);
;// CONCATENATED MODULE: ./src/action/outputs-sink.ts
// Writes the action's outputs to the runner. What they hold is computed from the journal by evidence/outputs.ts.


/** Sets every output, redacted (outputs end up in logs and in later steps' environments). */
function setOutputs(outputs, set = core/* setOutput */.uH) {
    for (const [name, value] of Object.entries(outputs))
        set(name, redact/* redactor */.$.redact(value));
}

// EXTERNAL MODULE: ./src/action/state.ts
var state = __webpack_require__(33175);
;// CONCATENATED MODULE: ./src/action/report.ts
// The end of every run on a runner: the final journal event, the audit document, the artifact upload, the step
// summary, the outputs and the step's status — in that order, so that whatever fails later, the evidence exists.













async function report(t, end) {
    const { journal, log } = t;
    (0,seal/* sealJournal */.n)(journal, t.clock, end);
    const events = journal.events;
    const audit = (0,evidence_audit/* buildAuditDocument */.BV)(events);
    (0,evidence_audit/* writeAuditDocument */.Ay)(t.auditPath, audit);
    const { artifactId, localPath } = await upload(t);
    const artifactUrl = runUrl(t.env) && artifactId ? `${runUrl(t.env)}/artifacts/${artifactId}` : undefined;
    const markdown = (0,summary/* buildSummary */.fR)(events, {
        runUrl: runUrl(t.env),
        artifactUrl,
        commitUrl: commitUrl(t.env, end.commitSha),
        auditLocalPath: localPath
    });
    try {
        await writeSummary(markdown);
    }
    catch (e) {
        log.warning(`Could not write the step summary: ${errorText(e)}`);
    }
    setOutputs(computeOutputs(events, { auditLogPath: t.auditPath, artifactId, commitSha: end.commitSha }));
    log.info(`Audit log: ${t.auditPath} (hash chain head ${audit.chain.headHash})`);
    const failed = end.outcome !== 'succeeded' && end.outcome !== 'planned';
    if (failed || end.stepError) {
        core/* setFailed */.C1((0,logger/* safeText */.H)(end.stepError ?? `Release ${t.releaseId} ended ${end.outcome}.`));
    }
    else {
        log.info(`Release ${t.releaseId} ${end.outcome}.`);
    }
}
/**
 * Uploads the audit and the journal (off a runner: copies them to a local folder); on failure the post step tries
 * again. Returns the artifact id, or the local folder.
 */
async function upload(t) {
    try {
        const uploaded = await (0,artifact/* uploadAudit */.H)({
            name: t.artifactName,
            // `command: doctor` leaves doctor.json beside the audit.
            files: [t.auditPath, t.journal.path, ...[(0,external_node_path_.join)(t.evidenceDir, 'doctor.json')].filter((f) => (0,external_node_fs_.existsSync)(f))],
            rootDir: t.evidenceDir,
            env: t.env
        });
        if (uploaded.localPath)
            t.log.info(`Audit log and journal written to ${uploaded.localPath} (not on a runner).`);
        (0,state/* markEvidenceUploaded */.$B)();
        if (uploaded.skipped) {
            core/* notice */.lm((0,logger/* safeText */.H)(uploaded.skipped));
            return { localPath: t.auditPath };
        }
        return { artifactId: uploaded.id === undefined ? undefined : String(uploaded.id), localPath: uploaded.localPath };
    }
    catch (e) {
        t.log.warning(`Could not upload the audit artifact (the post step will try again): ${errorText(e)}`);
        return {};
    }
}
function errorText(e) {
    return (0,logger/* safeText */.H)(e instanceof Error ? e.message : String(e));
}
/** Fails the step before any release started (bad inputs): the outcome output says so, nothing else exists yet. */
function failStep(message) {
    core/* setOutput */.uH('outcome', 'failed');
    core/* setFailed */.C1((0,logger/* safeText */.H)(message));
}

// EXTERNAL MODULE: ./src/common/clock.ts
var common_clock = __webpack_require__(39987);
// EXTERNAL MODULE: ./src/common/release-id.ts
var release_id = __webpack_require__(81168);
// EXTERNAL MODULE: ./src/journal/journal.ts
var journal_journal = __webpack_require__(14896);
// EXTERNAL MODULE: ./src/journal/outcome.ts
var journal_outcome = __webpack_require__(78963);
// EXTERNAL MODULE: ./src/pipeline.ts + 76 modules
var pipeline = __webpack_require__(67094);
;// CONCATENATED MODULE: ./src/main.ts
// The action on a GitHub runner: read the inputs, mask the secrets, open the journal, run the pipeline, report. It only
// wires collaborators together; the release itself is src/pipeline.ts, the evidence at the end src/action/report.ts.














/**
 * A cancelled run gets SIGINT, then SIGTERM 7.5 s later, then SIGKILL. On the signal the engine starts no new change
 * (no rollback either) and abandons its waits; the evidence is flushed by CANCEL_FLUSH_MS whatever it is still doing.
 */
const CANCEL_FLUSH_MS = 4_000;

async function run(env = process.env, clock = common_clock/* systemClock */.m) {
    const log = logger/* coreLogger */.W;
    const inputs = readInputs(log);
    if (!inputs)
        return;
    const workspace = (0,external_node_path_.resolve)(env.GITHUB_WORKSPACE ?? process.cwd());
    const releaseId = (0,release_id/* newReleaseId */.P)(clock);
    const target = openEvidence({ inputs, env, clock, log, releaseId });
    const controller = new AbortController();
    let reporting;
    const reportOnce = (end) => (reporting ??= report(target, end()));
    const stopOnSignal = onCancel(target, controller, (signal) => reportOnce(() => cancelledFinish(target.journal.events, signal)));
    let end;
    try {
        end = await (0,pipeline/* runPipeline */.a)({
            inputs,
            workspace,
            releaseId,
            journal: target.journal,
            clock,
            log,
            signal: controller.signal,
            github: githubContext(env),
            builtins: { run: env.GITHUB_RUN_ID ?? releaseId, release: releaseId, sha: env.GITHUB_SHA ?? '' },
            branch: pushBranch(env),
            httpGet: release_id/* httpGet */.l,
            evidenceDir: target.evidenceDir,
            ...(env.GITHUB_API_URL ? { githubApiUrl: env.GITHUB_API_URL } : {})
        });
    }
    catch (e) {
        const message = (0,logger/* safeText */.H)(e instanceof Error ? e.message : String(e));
        target.journal.append('error', { status: 'error', details: { message } });
        end = { outcome: 'failed', stepError: `Release ${releaseId} failed: ${message}` };
    }
    await reportOnce(() => end);
    stopOnSignal();
}
/** Reads the inputs and masks every secret the moment it exists; on bad inputs fails the step and returns nothing. */
function readInputs(log) {
    try {
        const inputs = getInputs();
        log.setSecret(inputs.clientSecret);
        redact/* redactor */.$.addBasic(inputs.clientId, inputs.clientSecret);
        if (inputs.githubToken)
            log.setSecret(inputs.githubToken);
        return inputs;
    }
    catch (e) {
        const message = e instanceof inputs/* InputError */.dz ? e.message : `Could not read the action's inputs: ${String(e)}`;
        failStep(message);
        return undefined;
    }
}
/** Creates the evidence folder and the journal, and tells the post step where they are. */
function openEvidence(o) {
    const evidenceDir = (0,external_node_path_.join)(o.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)(), 'flow-release', o.releaseId);
    (0,external_node_fs_.mkdirSync)(evidenceDir, { recursive: true });
    const journal = journal_journal/* Journal */.CQ.create({ dir: evidenceDir, releaseId: o.releaseId, clock: o.clock });
    const auditPath = (0,external_node_path_.join)(evidenceDir, `flow-release-${o.releaseId}.audit.json`);
    (0,state/* saveEvidenceLocation */.kW)({
        dir: evidenceDir,
        journalPath: journal.path,
        auditPath,
        artifactName: o.inputs.auditArtifactName
    });
    return {
        journal,
        auditPath,
        evidenceDir,
        artifactName: o.inputs.auditArtifactName,
        releaseId: o.releaseId,
        env: o.env,
        clock: o.clock,
        log: o.log
    };
}
/**
 * On SIGTERM/SIGINT: journal the cancellation, abort the engine (it starts no new change) and make sure the evidence
 * is written within CANCEL_FLUSH_MS whatever the engine is still doing. Returns the function that removes the handlers.
 */
function onCancel(target, controller, flush) {
    const onSignal = (signal) => {
        if (controller.signal.aborted)
            return;
        target.log.warning(`Received ${signal}: starting no new change (no rollback either), abandoning waits, flushing evidence.`);
        target.journal.append('cancelled', { status: 'warning', details: { signal } });
        controller.abort(new Error(`cancelled by ${signal}`));
        setTimeout(() => void flush(signal).then(() => process.exit(1)), CANCEL_FLUSH_MS).unref();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    return () => {
        process.removeListener('SIGTERM', onSignal);
        process.removeListener('SIGINT', onSignal);
    };
}
/**
 * The outcome when the evidence must be written while the release is still running (cancelled, the engine did not
 * finish within CANCEL_FLUSH_MS). journal/outcome.ts owns the rule, shared with the engine and with the post step's
 * rebuild of the audit, so the three always agree.
 */
function cancelledFinish(events, signal) {
    const { outcome, message } = (0,journal_outcome/* cancelledVerdict */.F0)(events, signal);
    return { outcome, stepError: message };
}


/***/ })

};
