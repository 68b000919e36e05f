#!/usr/bin/env python3
"""Fills the expectations of function case files from terraform itself.

Usage: regenerate.py FILE.cases...   (needs `terraform` 1.11 on the PATH; offline)

A case file holds cases written as

    === EXPRESSION
    ~~~ optional notes kept as they are (see casefile.rs)

and this script writes, under each case, what `terraform console` printed for
the expression (`::: type` and what it printed for `type(EXPRESSION)`), or
`!!! summary: detail` when terraform reported an error. Lines starting with
`#` are kept. Every other line is replaced, so the file can be rerun.

Expressions may use unknown values of known types, as `local.us` (string),
`local.un` (number), `local.ub` (bool), `local.ul` (list(string)), `local.uln`
(list(number)), `local.uset` (set(string)), `local.um` (map(string)),
`local.uo` (object({a=number})), `local.ut` (tuple([number,string])) and
`local.ud` (unknown of unknown type). They come from a planned
`terraform_data` id passed through typed module variables, so terraform
attaches no refinement to them beyond their type. The test harness gives the
same names the same values.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

UNKNOWNS = {
    "us": "string",
    "un": "number",
    "ub": "bool",
    "ul": "list(string)",
    "uln": "list(number)",
    "uset": "set(string)",
    "um": "map(string)",
    "uo": "object({a=number})",
    "ut": "tuple([number,string])",
}


def workdir():
    d = tempfile.mkdtemp(prefix="aksplan-fn-cases-")
    os.makedirs(os.path.join(d, "u"))
    with open(os.path.join(d, "main.tf"), "w") as f:
        f.write('resource "terraform_data" "x" {\n  input = "a"\n}\n')
        f.write('module "u" {\n  source = "./u"\n')
        for name in UNKNOWNS:
            f.write(f"  {name} = jsondecode(terraform_data.x.id)\n")
        f.write("}\nlocals {\n  ud = jsondecode(terraform_data.x.id)\n")
        for name in UNKNOWNS:
            f.write(f"  {name} = module.u.{name}\n")
        f.write("}\n")
    with open(os.path.join(d, "u", "main.tf"), "w") as f:
        for name, ty in UNKNOWNS.items():
            f.write(f'variable "{name}" {{\n  type = {ty}\n}}\n')
            f.write(f'output "{name}" {{\n  value = var.{name}\n}}\n')
    env = dict(os.environ, TF_CLI_CONFIG_FILE="/dev/null", TF_IN_AUTOMATION="1")
    subprocess.run(["terraform", "init", "-no-color"], cwd=d, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return d, env


def console(d, env, expr):
    p = subprocess.run(["terraform", "console", "-plan", "-no-color"], cwd=d, env=env,
                       input=expr + "\n", capture_output=True, text=True)
    out = (p.stdout + p.stderr).strip("\n")
    if "Error: " not in out:
        return True, out
    lines = out.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("Error: "))
    summary = lines[start][len("Error: "):].strip()
    # The detail follows the source excerpt ("(source code not available)").
    rest = lines[start + 1:]
    try:
        k = next(i for i, l in enumerate(rest) if "(source code not available)" in l)
        rest = rest[k + 1:]
    except StopIteration:
        pass
    detail = []
    for l in rest:
        if l.startswith("Error: "):
            break
        if l.strip():
            detail.append(l.strip())
    text = " ".join(detail)
    # A panic's stack trace holds addresses that change from run to run.
    text = re.sub(r" goroutine \d+ \[running\]:.*", ".", text)
    return False, f"{summary}: {text}"


def regenerate(path, d, env):
    with open(path) as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("=== "):
            expr = line[4:]
            out.append(line)
            while i < len(lines) and lines[i].startswith("~~~"):
                out.append(lines[i])
                i += 1
            while i < len(lines) and not lines[i].startswith(("=== ", "#")):
                i += 1
            ok, text = console(d, env, expr)
            if ok:
                out.append(text)
                ok_t, ty = console(d, env, f"type({expr})")
                out.append("::: type")
                out.append(ty if ok_t else "!!! " + ty)
            else:
                out.append("!!! " + text)
            out.append("")
        elif line.startswith("#") or (line == "" and out and out[-1] != ""):
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    d, env = workdir()
    try:
        for path in sys.argv[1:]:
            regenerate(path, d, env)
            print(f"regenerated {path}")
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
