resource "terraform_data" "upd" {
  input = "two"
}
resource "terraform_data" "rep" {
  input            = "a"
  triggers_replace = ["y"]
}
resource "terraform_data" "cbd" {
  triggers_replace = ["y"]
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "nul" {
}
resource "terraform_data" "new" {
  input = "n"
}
data "terraform_remote_state" "r" {
  backend = "local"
  config = { path = terraform_data.new.id }
}
