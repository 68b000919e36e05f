# The configuration every conformance case is evaluated in (see ../README.md).
# Keep it free of errors: an error here fails every case.

variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

variable "ephemeral_token" {
  type      = string
  default   = "eph-token"
  ephemeral = true
}

variable "region" {
  type    = string
  default = "westeurope"
}

variable "counts" {
  type    = map(number)
  default = { a = 1, b = 2 }
}

variable "maybe" {
  type    = string
  default = null
}

variable "typed_list" {
  type    = list(string)
  default = ["x", "y"]
}

variable "typed_object" {
  type = object({
    name = string
    size = optional(number, 3)
    tags = optional(map(string))
  })
  default = { name = "n" }
}

locals {
  key     = "k"
  num     = 42
  names   = ["alice", "bob", "carol"]
  nothing = null
  people = [
    { name = "alice", age = 30, tags = ["a", "b"] },
    { name = "bob", age = 25, tags = [] },
    { name = "carol", age = 35, tags = ["c"] },
  ]
  pools = {
    system = { count = 1, vm = "Standard_D2s_v5" }
    user   = { count = 3, vm = "Standard_D4s_v5" }
  }
  letters  = toset(["b", "a", "c"])
  sensitive_map = sensitive({ a = "1", b = "2" })

  # templatestring only takes a reference to a string, never a literal template.
  tmpl_hello    = "Hello, $${name}!"
  tmpl_sum      = "$${a + b}"
  tmpl_for      = "%%{ for x in xs }$${x}%%{ endfor }"
  tmpl_for_kv   = "%%{ for k, v in m ~}\n$${k}=$${v}\n%%{ endfor ~}"
  tmpl_x        = "$${x}"
  tmpl_x_y      = "$${x.y}"
  tmpl_upper    = "$${upper(x)}"
  tmpl_path     = "$${path.module}"
  tmpl_local    = "$${local.key}"
  tmpl_var      = "$${var.region}"
  tmpl_if       = "%%{ if x }yes%%{ else }no%%{ endif }"
  tmpl_strip    = "a  $${~ x ~}  b"
  tmpl_unclosed = "$${ x"
  tmpl_nested   = "$${templatestring(t, {})}"
  tmpl_literal  = "no template here"
  tmpl_escaped  = "$$$${x} %%%%{x}"
  tmpl_list     = ["$${x}", "$${y}"]
  tmpl_map      = { greet = "hi $${who}" }
}
