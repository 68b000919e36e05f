#!/usr/bin/env python3
"""Regenerate tests/conformance/expected.json from the case files with the real terraform.

Reads every tests/conformance/cases/*.txt (format: see README.md), evaluates each case with
`terraform console` in tests/conformance/config/ and records terraform's answer: the value as
console prints it, `type(<expr>)` for cases that succeed, or the first error's summary and detail.
It needs terraform on the PATH (or TERRAFORM=/path/to/terraform) and nothing else: standard
library only, no network.

Usage: python3 tests/conformance/generate.py [--jobs N] [--only AREA[,AREA...]] [--check]
  --only   evaluate only these areas and keep the other areas' results from expected.json
  --check  do not write; exit 1 if the result differs from the committed expected.json
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
CONFIG_DIR = os.path.join(HERE, "config")
EXPECTED = os.path.join(HERE, "expected.json")
FUNCTIONS = os.path.join(HERE, "functions.txt")
TERRAFORM = os.environ.get("TERRAFORM", "terraform")

# Name of the local that holds a multi-line case (see README.md, "Multi-line cases").
MULTILINE_LOCAL = "conformance_case"
MULTILINE_FILE = "zz_conformance_case.tf"

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


class CaseFileError(Exception):
    pass


def parse_case_file(path):
    """Returns [(id, area, expr, multiline)] for one case file, in file order."""
    area = os.path.splitext(os.path.basename(path))[0]
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    cases = []
    seen = set()
    ordinal = 0
    i = 0

    def make_id(name, lineno):
        nonlocal ordinal
        ordinal += 1
        if name is None:
            name = "%03d" % ordinal
        elif not NAME_RE.match(name) or name.isdigit():
            raise CaseFileError("%s:%d: bad case name %r" % (path, lineno, name))
        cid = "%s:%s" % (area, name)
        if cid in seen:
            raise CaseFileError("%s:%d: duplicate case id %s" % (path, lineno, cid))
        seen.add(cid)
        return cid

    while i < len(lines):
        raw = lines[i]
        lineno = i + 1
        stripped = raw.strip()
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "<<<" or stripped.startswith("<<< "):
            name = stripped[3:].strip() or None
            body = []
            while i < len(lines) and lines[i].rstrip() != ">>>":
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise CaseFileError("%s:%d: '<<<' without a closing '>>>'" % (path, lineno))
            i += 1
            expr = "\n".join(body)
            if not expr.strip():
                raise CaseFileError("%s:%d: empty multi-line case" % (path, lineno))
            cases.append((make_id(name, lineno), area, expr, True))
            continue
        if stripped == ">>>":
            raise CaseFileError("%s:%d: '>>>' without an opening '<<<'" % (path, lineno))
        name = None
        expr = stripped
        if stripped.startswith("@"):
            head, sep, rest = stripped.partition(" ")
            if not head.endswith(":") or not sep:
                raise CaseFileError("%s:%d: a named case is '@name: expression'" % (path, lineno))
            name = head[1:-1]
            expr = rest.strip()
        cases.append((make_id(name, lineno), area, expr, False))
    return cases


def load_cases(areas=None):
    cases = []
    seen = set()
    for fn in sorted(os.listdir(CASES_DIR)):
        if not fn.endswith(".txt"):
            continue
        area = fn[:-4]
        if areas is not None and area not in areas:
            continue
        for case in parse_case_file(os.path.join(CASES_DIR, fn)):
            if case[0] in seen:
                raise CaseFileError("duplicate case id %s" % case[0])
            seen.add(case[0])
            cases.append(case)
    return cases


def tf_env():
    env = dict(os.environ)
    env["TF_CLI_CONFIG_FILE"] = "/dev/null"
    env["TF_IN_AUTOMATION"] = "1"
    env.pop("TF_LOG", None)
    env.pop("TF_DATA_DIR", None)
    # Variables from the environment would change var.* in the configuration.
    for k in list(env):
        if k.startswith("TF_VAR_") or k.startswith("TF_CLI_ARGS"):
            del env[k]
    return env


CASE_TIMEOUT = 30


def console(line, cwd):
    """Runs one console session with one input line; returns (rc, stdout, stderr)."""
    try:
        p = subprocess.run(
            [TERRAFORM, "console", "-no-color"],
            input=(line + "\n").encode("utf-8"),
            cwd=cwd,
            env=tf_env(),
            capture_output=True,
            timeout=CASE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        # A case must not take this long (bcrypt with a high cost does): say so in the output.
        return -1, "", "Error: generate.py: timed out after %ds\n" % CASE_TIMEOUT
    # Bytes, not text mode: text mode would turn the "\r" of a value into "\n".
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


DIAG_START = re.compile(r"^(Error|Warning): ?(.*)$")


def unwrap(text):
    """Undoes terraform's wrapping of diagnostic details at 78 columns.

    Lines of one paragraph are joined with a space; blank lines (paragraph breaks) and
    lines that start with whitespace (indented lists, code) keep their line break."""
    out = []
    for line in text.split("\n"):
        if out and line and out[-1] and not line[0].isspace():
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return "\n".join(out)


def parse_diagnostics(stderr):
    """Splits console stderr into [{"severity", "summary", "detail", "detail_raw"}]."""
    diags = []
    cur = None
    for line in stderr.split("\n"):
        m = DIAG_START.match(line)
        if m:
            cur = {"severity": m.group(1), "summary": m.group(2).strip(), "body": []}
            diags.append(cur)
        elif cur is not None:
            cur["body"].append(line)
    out = []
    for d in diags:
        body = d.pop("body")
        while body and not body[0].strip():
            body.pop(0)
        # The source location block ("  on <file> line N:" and its snippet) ends at a blank line.
        if body and body[0].startswith("  on "):
            while body and body[0].strip():
                body.pop(0)
        detail_raw = "\n".join(body).strip("\n")
        detail_raw = "\n".join(l.rstrip() for l in detail_raw.split("\n"))
        # A panic inside a function carries a Go stack trace with addresses that change
        # from run to run; keep the message, drop the trace.
        cut = re.search(r"^goroutine \d+ \[", detail_raw, re.M)
        if cut:
            detail_raw = detail_raw[: cut.start()].rstrip() + "\n(stack trace removed)"
        d["detail_raw"] = detail_raw
        d["detail"] = unwrap(detail_raw)
        out.append(d)
    return out


def normalise_type(t):
    """type() output on one line: `object({a: tuple([number, string])})`.

    The console indents each nesting level by four spaces; only that indentation is
    removed, so attribute names that start with spaces (`" b"` from csvdecode) survive."""
    closers = (")", "]", "}")
    lines = []
    depth = 0
    for line in t.split("\n"):
        if line.lstrip().startswith(closers):
            depth -= 1
        indent = "    " * max(depth, 0)
        lines.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
        if line.endswith(("(", "[", "{")):
            depth += 1
    out = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.endswith(","):
            # A comma at the end of a line separates elements; before a closer it is dropped.
            line = line[:-1] if nxt.startswith(closers) else line + " "
        out.append(line)
    return "".join(out)


def strip_final_newline(s):
    return s[:-1] if s.endswith("\n") else s


# A console session that fails without saying why, or a type() that fails after the value
# succeeded, is taken as a hiccup of a loaded machine and run again this many times.
RETRIES = 2


def console_retrying(line, cwd, ok):
    for _ in range(RETRIES):
        res = console(line, cwd)
        if ok(res):
            return res
    return console(line, cwd)


def has_error(stderr):
    return any(d["severity"] == "Error" for d in parse_diagnostics(stderr))


def evaluate(expr, cwd, target):
    """Evaluates `target` (the expression, or the local that holds it) in cwd."""
    rc, out, err = console_retrying(target, cwd, lambda r: (r[0] == 0 and r[1]) or has_error(r[2]))
    diags = parse_diagnostics(err)
    errors = [d for d in diags if d["severity"] == "Error"]
    result = {"value": None, "type": None, "type_raw": None, "error": None}
    if rc != 0 or errors:
        if errors:
            e = errors[0]
            result["error"] = {"summary": e["summary"], "detail": e["detail"], "detail_raw": e["detail_raw"]}
            if len(errors) > 1:
                result["error"]["more"] = [{"summary": x["summary"], "detail": x["detail"]} for x in errors[1:]]
        else:
            result["error"] = {"summary": "(no diagnostic; exit status %d)" % rc, "detail": err.strip(), "detail_raw": err.strip()}
        return result
    result["value"] = strip_final_newline(out)
    rc, tout, terr = console_retrying("type(%s)" % target, cwd, lambda r: r[0] == 0 and r[1])
    if rc == 0:
        result["type_raw"] = strip_final_newline(tout)
        result["type"] = normalise_type(result["type_raw"])
    else:
        print("warning: type(%s) failed: %s" % (target, terr.strip()), file=sys.stderr)
    warnings = [d for d in diags if d["severity"] == "Warning"]
    if warnings:
        result["warnings"] = [{"summary": w["summary"], "detail": w["detail"]} for w in warnings]
    return result


_worker = threading.local()
_workdirs = []
_workdirs_lock = threading.Lock()


def worker_dir():
    """A private copy of the configuration for this thread.

    The console takes the local state lock in its working directory, so two consoles in
    one directory fail with "Error acquiring the state lock"."""
    d = getattr(_worker, "dir", None)
    if d is None:
        tmp = tempfile.mkdtemp(prefix="tfconf-")
        d = os.path.join(tmp, "config")
        shutil.copytree(CONFIG_DIR, d, symlinks=True)
        _worker.dir = d
        with _workdirs_lock:
            _workdirs.append(tmp)
    return d


def run_case(case):
    cid, area, expr, multiline = case
    work = worker_dir()
    if not multiline:
        res = evaluate(expr, work, expr)
    else:
        # The console reads one line at a time when its input is not a terminal, so a
        # multi-line case becomes a local in the configuration.
        extra = os.path.join(work, MULTILINE_FILE)
        with open(extra, "w", encoding="utf-8") as f:
            f.write("locals {\n  %s = %s\n}\n" % (MULTILINE_LOCAL, expr))
        try:
            res = evaluate(expr, work, "local." + MULTILINE_LOCAL)
        finally:
            os.remove(extra)
    rec = {"id": cid, "area": area, "expr": expr}
    if multiline:
        rec["multiline"] = True
    rec.update(res)
    return rec


def terraform_version():
    p = subprocess.run([TERRAFORM, "version", "-json"], env=tf_env(), capture_output=True, text=True, check=True)
    return json.loads(p.stdout)["terraform_version"]


def sort_key(rec):
    area, _, name = rec["id"].partition(":")
    return (area, 0 if name.isdigit() else 1, int(name) if name.isdigit() else 0, name)


def write_functions():
    """functions.txt: the names of terraform's built-in functions, one per
    line, from `terraform metadata functions -json` (core:: forms left out)."""
    out = subprocess.run([TERRAFORM, "metadata", "functions", "-json"], capture_output=True, check=True,
                         text=True, env=tf_env()).stdout
    names = sorted(n for n in json.loads(out)["function_signatures"] if not n.startswith("core::"))
    with open(FUNCTIONS, "w", encoding="utf-8") as f:
        f.write("".join(n + "\n" for n in names))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default=None)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    areas = set(args.only.split(",")) if args.only else None
    try:
        cases = load_cases(areas)
    except CaseFileError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    if areas:
        missing = areas - {c[1] for c in cases}
        if missing:
            print("error: no cases for area(s) %s" % ", ".join(sorted(missing)), file=sys.stderr)
            return 2

    version = terraform_version()
    write_functions()
    start = time.time()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            records = list(pool.map(run_case, cases))
    finally:
        for tmp in _workdirs:
            shutil.rmtree(tmp, ignore_errors=True)

    if areas:
        try:
            with open(EXPECTED, encoding="utf-8") as f:
                old = json.load(f)["cases"]
        except FileNotFoundError:
            old = []
        records += [r for r in old if r["area"] not in areas]
    records.sort(key=sort_key)
    doc = {"terraform_version": version, "cases": records}
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n"

    per_area = {}
    for r in records:
        a = per_area.setdefault(r["area"], [0, 0])
        a[0] += 1
        if r["error"] is not None:
            a[1] += 1
    print("terraform %s: %d cases (%d errors) in %d areas, %.1fs" % (
        version, len(records), sum(a[1] for a in per_area.values()), len(per_area), time.time() - start))
    for area in sorted(per_area):
        print("  %-18s %5d cases %4d errors" % (area, per_area[area][0], per_area[area][1]))

    if args.check:
        with open(EXPECTED, encoding="utf-8") as f:
            committed = f.read()
        same = committed == text
        print("expected.json is %s" % ("up to date" if same else "OUT OF DATE"))
        if not same:
            old = {r["id"]: r for r in json.loads(committed)["cases"]}
            new = {r["id"]: r for r in records}
            changed = sorted(i for i in set(old) | set(new) if old.get(i) != new.get(i))
            for i in changed[:50]:
                a, b = old.get(i) or {}, new.get(i) or {}
                fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                print("  differs: %s (%s)" % (i, ", ".join(
                    "%s: %s -> %s" % (k, json.dumps(a.get(k))[:80], json.dumps(b.get(k))[:80]) for k in fields)))
            if len(changed) > 50:
                print("  ... and %d more" % (len(changed) - 50))
        return 0 if same else 1
    with open(EXPECTED, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s" % os.path.relpath(EXPECTED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
