# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Runs one example of the documentation: the fenced ```c block that starts with the line
# `// example: NAME` (compiled against the build tree and run) or the ```python block that
# starts with `# example: NAME` (run with the build's Python module). Exit 0 when the example
# builds and exits 0; the example's output is shown either way.
import argparse
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^```\s*(\w+)\s*$")
MARKERS = {"c": "// example: ", "python": "# example: "}


def find_example(path, lang, name):
    """The source lines of the example `name` in the Markdown file `path`."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    found = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        block_lang = m.group(1)
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        if j == len(lines):
            sys.exit(f"{path}:{i + 1}: unterminated ``` block")
        body = lines[i + 1:j]
        marker = MARKERS.get(block_lang)
        if marker and body and body[0].strip() == marker + name:
            if block_lang != lang:
                sys.exit(f"{path}:{i + 1}: example '{name}' is a {block_lang} block, not {lang}")
            found.append((i + 1, body))
        i = j + 1
    if not found:
        sys.exit(f"{path}: no ```{lang} block starting with '{MARKERS[lang]}{name}'")
    if len(found) > 1:
        where = ", ".join(str(line) for line, _ in found)
        sys.exit(f"{path}: example '{name}' appears {len(found)} times (lines {where})")
    return found[0]


def run(cmd, cwd, env=None, timeout=120):
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(p.stdout)
    return p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--doc", required=True, help="the Markdown file")
    ap.add_argument("--name", required=True, help="the example's name")
    ap.add_argument("--lang", required=True, choices=sorted(MARKERS))
    ap.add_argument("--workdir", required=True, help="a scratch folder for this example")
    ap.add_argument("--cc", help="C compiler")
    ap.add_argument("--cflag", action="append", default=[], help="a compiler flag (repeatable)")
    ap.add_argument("--lib", help="libzcx.so of the build")
    ap.add_argument("--pythonpath", help="the folder of the build's Python module")
    args = ap.parse_args()

    line, body = find_example(args.doc, args.lang, args.name)
    os.makedirs(args.workdir, exist_ok=True)
    print(f"{args.doc}:{line}: example '{args.name}' ({args.lang})", flush=True)
    if args.lang == "c":
        src = os.path.join(args.workdir, args.name + ".c")
        exe = os.path.join(args.workdir, args.name)
        with open(src, "w", encoding="utf-8") as f:
            f.write("\n".join(body) + "\n")
        libdir = os.path.dirname(os.path.abspath(args.lib))
        cmd = [args.cc, "-std=c11", "-Wall", "-Wextra", "-Werror", *args.cflag, src, "-o", exe,
               args.lib, "-Wl,-rpath," + libdir, "-lpthread", "-lm"]
        rc = run(cmd, args.workdir)
        if rc != 0:
            sys.exit(f"example '{args.name}' does not compile (exit {rc})")
        rc = run([exe], args.workdir)
    else:
        src = os.path.join(args.workdir, args.name + ".py")
        with open(src, "w", encoding="utf-8") as f:
            f.write("\n".join(body) + "\n")
        env = dict(os.environ)
        env["PYTHONPATH"] = args.pythonpath + os.pathsep + env.get("PYTHONPATH", "")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        rc = run([sys.executable, src], args.workdir, env=env)
    if rc != 0:
        sys.exit(f"example '{args.name}' exited {rc}")


if __name__ == "__main__":
    main()
