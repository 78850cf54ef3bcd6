export const id = 661;
export const ids = [661];
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

/***/ 86661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _action_artifact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48338);
/* harmony import */ var _action_logger_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(18980);
/* harmony import */ var _action_state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(33175);
/* harmony import */ var _evidence_audit_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(51178);
/* harmony import */ var _journal_journal_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(14896);
// The action's `post` step: runs even when the main step was cancelled or crashed, and uploads the audit evidence if
// the main step could not. If the audit document was never written, it is rebuilt from the journal on disk.






async function post(env = process.env) {
    const loc = (0,_action_state_js__WEBPACK_IMPORTED_MODULE_3__/* .evidenceToUpload */ .YV)();
    if (!loc)
        return; // uploaded already, or the main step never started
    const { dir, journalPath, auditPath, artifactName } = loc;
    if (!dir || !journalPath || !auditPath || !artifactName || !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(journalPath)) {
        _action_logger_js__WEBPACK_IMPORTED_MODULE_2__/* .coreLogger */ .W.warning('Flow Release post step: no journal found to upload.');
        return;
    }
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(auditPath)) {
        (0,_evidence_audit_js__WEBPACK_IMPORTED_MODULE_4__/* .writeAuditDocument */ .Ay)(auditPath, (0,_evidence_audit_js__WEBPACK_IMPORTED_MODULE_4__/* .buildAuditDocument */ .BV)((0,_journal_journal_js__WEBPACK_IMPORTED_MODULE_5__/* .parseJournal */ .z8)((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(journalPath, 'utf8'))));
    }
    const res = await (0,_action_artifact_js__WEBPACK_IMPORTED_MODULE_1__/* .uploadAudit */ .H)({ name: artifactName, files: [auditPath, journalPath], rootDir: dir, env });
    if (res.skipped)
        _action_logger_js__WEBPACK_IMPORTED_MODULE_2__/* .coreLogger */ .W.info(`Flow Release post step: ${res.skipped}`);
    else
        _action_logger_js__WEBPACK_IMPORTED_MODULE_2__/* .coreLogger */ .W.info(`Flow Release post step: audit evidence uploaded (${res.id ?? res.localPath}).`);
}
post().catch((e) => _action_logger_js__WEBPACK_IMPORTED_MODULE_2__/* .coreLogger */ .W.warning(`Flow Release post step failed: ${String(e)}`));


/***/ })

};
