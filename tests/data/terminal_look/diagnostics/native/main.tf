locals {
  a = var.nope
}

resource "terraform_data" "x" {
  input = local.a
  triggers_replace = [upper(1, 2)]
}

output "o" {
  value = "${local.missing} This is a rather long line that goes past the width of the terminal, so that we see"
}

variable "v" {
  type = string
  default = 1.5
  validation {
    condition = length(var.v) > "x"
    error_message = "Oops."
  }
}
