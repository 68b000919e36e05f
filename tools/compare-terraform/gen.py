#!/usr/bin/env python3
"""Writes N terraform_data resources (N a multiple of 10) into DIR/main.tf: in
units of ten, a root, three that name it (count), three that name those
(for_each) and three that name the whole for_each (count, triggers_replace).

usage: gen.py N DIR
"""
import sys, os
n = int(sys.argv[1]); d = sys.argv[2]
os.makedirs(d, exist_ok=True)
out = ['variable "env" {\n  default = "bench"\n}\n\nlocals {\n  keys = { a = 0, b = 1, c = 2 }\n}\n']
for u in range(n // 10):
    out.append(f'''
resource "terraform_data" "root{u}" {{
  input = {{ name = "root-{u}", env = var.env }}
}}

resource "terraform_data" "mid{u}" {{
  count = 3
  input = "${{terraform_data.root{u}.output.name}}-${{count.index}}"
}}

resource "terraform_data" "leaf{u}" {{
  for_each = local.keys
  input    = [terraform_data.mid{u}[each.value].output, each.key]
}}

resource "terraform_data" "tail{u}" {{
  count            = 3
  input            = length(terraform_data.leaf{u})
  triggers_replace = [terraform_data.root{u}.id]
}}
''')
open(os.path.join(d, "main.tf"), "w").write("".join(out))
