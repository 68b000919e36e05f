//! Variable values and where they come from.
//!
//! The root module's variables are set from outside. Later sources win:
//! declared defaults, `TF_VAR_<name>` environment variables,
//! `terraform.tfvars`, `*.auto.tfvars` in name order, then `--var-file` files
//! and `--var NAME=VALUE` options in the order given. A child module's
//! variables are set by the arguments of the call that makes the module.
//! Either way [`assign`] gives a variable its value as Terraform does:
//! converted to its type, its default when nothing (or, for a non-nullable
//! variable, null) is given. Every error points at the value's source.
//! Validation conditions may refer to other objects of the module, so `core`
//! checks them in its walk.

use super::load::{decode, parse_body, read_file};
use super::{Config, Variable};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::functions::FuncContext;
use crate::lang::types::{convert, ConvertError, Type};
use crate::lang::Value;
use hcl_edit::structure::Structure;
use hcl_edit::Span as _;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// Where variable values come from besides the configuration.
#[derive(Debug, Clone, Default)]
pub struct VarInputs {
    /// The process environment (only `TF_VAR_` entries are used).
    pub env: Vec<(String, String)>,
    pub var_files: Vec<PathBuf>,
    /// `NAME=VALUE` strings from `--var`.
    pub vars: Vec<String>,
}

/// Where a variable's value was set, for messages.
#[derive(Debug, Clone)]
enum Origin {
    Default,
    Env(String),
    File(Span),
    Cli(String),
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Origin::Default => "its default".into(),
            Origin::Env(n) => format!("the environment variable {n}"),
            Origin::File(_) => "a variables file".into(),
            Origin::Cli(a) => format!("--var {a}"),
        }
    }
}

/// A value as given, before conversion: raw strings are typed later.
#[derive(Debug, Clone)]
enum Given {
    Value(Value),
    Raw(String),
}

/// What a root variable without a value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Missing {
    /// An error (plan, apply): a value is needed.
    #[default]
    Error,
    /// An unknown value of its type (console, graph); defaults are used.
    Unknown,
    /// Every variable not given a value is unknown, even one with a default
    /// (validate, as `terraform validate`: the configuration is checked for
    /// every value it may be given, not for its defaults).
    Validate,
}

/// The root module's variables' values. Missing and ill-typed values are
/// errors, unless `missing` says a missing one is unknown.
pub fn resolve(config: &mut Config, inputs: &VarInputs, missing: Missing) -> (IndexMap<String, Value>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut given: IndexMap<String, (Given, Origin)> = IndexMap::new();

    for (k, v) in &inputs.env {
        if let Some(name) = k.strip_prefix("TF_VAR_") {
            if config.root().variables.contains_key(name) {
                given.insert(name.to_string(), (Given::Raw(v.clone()), Origin::Env(k.clone())));
            }
        }
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for auto in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = config.dir.join(auto);
        if p.is_file() {
            files.push(p);
        }
    }
    let mut autos: Vec<PathBuf> = std::fs::read_dir(&config.dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    p.is_file() && (n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    files.extend(autos);
    files.extend(inputs.var_files.iter().map(|f| {
        if f.is_absolute() {
            f.clone()
        } else {
            std::env::current_dir().unwrap_or_default().join(f)
        }
    }));
    for path in files {
        read_var_file(config, &path, &mut given, &mut diags);
    }
    for arg in &inputs.vars {
        match arg.split_once('=') {
            Some((name, value)) if config.root().variables.contains_key(name.trim()) => {
                given.insert(
                    name.trim().to_string(),
                    (Given::Raw(value.to_string()), Origin::Cli(name.trim().to_string())),
                );
            }
            Some((name, _)) => diags.push(
                Diagnostic::error("Value for undeclared variable")
                    .with_detail(format!(
                        "--var sets {:?}, but the configuration declares no such variable",
                        name.trim()
                    ))
                    .with_help(format!("declare it with variable {:?} {{}}", name.trim())),
            ),
            None => diags.push(
                Diagnostic::error("Invalid --var option").with_detail(format!("{arg:?} is not of the form NAME=VALUE")),
            ),
        }
    }

    let mut values = IndexMap::new();
    let vars: Vec<Variable> = config.root().variables.values().cloned().collect();
    let ctx = FuncContext {
        base_dir: config.dir.clone(),
        ..FuncContext::default()
    };
    for var in &vars {
        if let Some(value) = final_value(var, given.shift_remove(&var.name), &ctx, missing, &mut diags) {
            values.insert(var.name.clone(), value);
        }
    }
    (values, diags)
}

fn read_var_file(
    config: &mut Config,
    path: &Path,
    given: &mut IndexMap<String, (Given, Origin)>,
    diags: &mut Diagnostics,
) {
    let name = path.strip_prefix(&config.dir).unwrap_or(path).display().to_string();
    let bytes = match read_file(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error("Cannot read variables file").with_detail(format!("{name}: {e}")));
            return;
        }
    };
    let file = match decode(&name, bytes, &mut config.sources) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let text = config.sources.get(file).text.clone();
    if name.ends_with(".json") {
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
            Ok(map) => {
                for (k, v) in map {
                    let span = Span::new(file, 0..0);
                    set_from_file(config, k, Value::from_json(&v), span, given, diags);
                }
            }
            Err(e) => diags.push(
                Diagnostic::error("Invalid JSON variables file")
                    .with_detail(e.to_string())
                    .with_span(Span::new(file, 0..0)),
            ),
        }
        return;
    }
    let body = match parse_body(file, &text) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let ctx = FuncContext {
        base_dir: config.dir.clone(),
        ..FuncContext::default()
    };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let span = Span::new(file, a.value.span().unwrap_or(0..0));
                if let Some(call) = first_call(&a.value) {
                    diags.push(
                        Diagnostic::error("Function calls not allowed")
                            .with_detail("Functions may not be called here: a variables file holds only literal values")
                            .with_span(Span::new(file, call)),
                    );
                    continue;
                }
                match Evaluator::new(&EmptyScope, &ctx).eval(&a.value) {
                    Ok(v) => set_from_file(config, a.key.as_str().to_string(), v, span, given, diags),
                    Err(e) => diags.push(
                        Diagnostic::error(e.kind.summary())
                            .with_detail(e.message)
                            .with_span(Span::new(file, e.span.unwrap_or(span.start..span.end))),
                    ),
                }
            }
            Structure::Block(b) => diags.push(
                Diagnostic::error("Unexpected block in variables file")
                    .with_detail("a variables file holds only NAME = VALUE assignments")
                    .with_span(Span::new(file, b.ident.span().unwrap_or(0..0))),
            ),
        }
    }
}

fn set_from_file(
    config: &Config,
    name: String,
    value: Value,
    span: Span,
    given: &mut IndexMap<String, (Given, Origin)>,
    diags: &mut Diagnostics,
) {
    if config.root().variables.contains_key(&name) {
        given.insert(name, (Given::Value(value), Origin::File(span)));
    } else {
        diags.push(
            Diagnostic::warning("Value for undeclared variable")
                .with_detail(format!(
                    "a value is given for {name:?}, but the configuration declares no such variable"
                ))
                .with_span(span),
        );
    }
}

fn final_value(
    var: &Variable,
    given: Option<(Given, Origin)>,
    ctx: &FuncContext,
    missing: Missing,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let ty = var.ty.clone().unwrap_or(Type::Dynamic);
    let (raw, origin) = match given {
        Some((Given::Value(v), o)) => (Some(v), o),
        Some((Given::Raw(s), o)) => (Some(parse_raw(&s, &ty)), o),
        None => (None, Origin::Default),
    };
    // A sensitive value's source line is never shown: point at the declaration.
    let at = match &origin {
        _ if var.sensitive => var.span,
        Origin::File(s) => *s,
        Origin::Default => var.default.as_ref().map_or(var.span, |d| d.span()),
        _ => var.span,
    };
    let unknown = || Some(Value::Unknown(ty.clone()).mark_if(var.sensitive));
    let given = raw.is_some();
    match assign(var, raw, ctx) {
        Ok(_) if !given && missing == Missing::Validate => unknown(),
        Ok(v) => Some(v),
        Err(AssignError::Missing) if missing != Missing::Error => unknown(),
        Err(AssignError::Missing) => {
            diags.push(
                Diagnostic::error("No value for required variable")
                    .with_detail(format!(
                        "the variable {:?} has no default, and no value was given",
                        var.name
                    ))
                    .with_span(var.span)
                    .with_help(format!(
                        "set it with -var '{0}=VALUE', the environment variable TF_VAR_{0}, or terraform.tfvars",
                        var.name
                    )),
            );
            None
        }
        Err(AssignError::Default(e)) => {
            diags.push(
                Diagnostic::error("Invalid default value")
                    .with_detail(e.message)
                    .with_span(var.default.as_ref().map_or(var.span, |d| d.span_of(e.span))),
            );
            None
        }
        Err(AssignError::Null) => {
            diags.push(
                Diagnostic::error("Invalid value for variable")
                    .with_detail(format!(
                        "var.{} is not nullable and has no default, but {} sets it to null",
                        var.name,
                        origin.describe()
                    ))
                    .with_span(at),
            );
            None
        }
        Err(AssignError::Type(e)) => {
            let why = if var.sensitive { String::new() } else { format!(": {e}") };
            diags.push(
                Diagnostic::error("Invalid value for variable")
                    .with_detail(format!(
                        "the value of var.{} from {} does not fit its type {ty}{why}",
                        var.name,
                        origin.describe()
                    ))
                    .with_span(at),
            );
            None
        }
    }
}

/// Why a variable could not take a value.
#[derive(Debug, Clone, PartialEq)]
pub enum AssignError {
    /// Nothing was given and there is no default.
    Missing,
    /// Null was given to a non-nullable variable without a default.
    Null,
    /// The default does not evaluate.
    Default(crate::lang::EvalError),
    /// The value does not fit the variable's type.
    Type(ConvertError),
}

/// The value a variable takes from what was given (`None`: nothing was),
/// as Terraform assigns it: its default when nothing is given, or when null
/// is given to a non-nullable variable; converted to its type, with the
/// defaults of optional object attributes; marked when the variable is
/// sensitive.
pub fn assign(var: &Variable, given: Option<Value>, ctx: &FuncContext) -> Result<Value, AssignError> {
    let ty = var.ty.clone().unwrap_or(Type::Dynamic);
    let default = || -> Result<Option<Value>, AssignError> {
        match &var.default {
            Some(d) => Evaluator::new(&EmptyScope, ctx)
                .eval(&d.expr)
                .map(Some)
                .map_err(AssignError::Default),
            None => Ok(None),
        }
    };
    let raw = match given {
        Some(v) if v.is_null() && !var.nullable => default()?.ok_or(AssignError::Null)?,
        Some(v) => v,
        None => default()?.ok_or(AssignError::Missing)?,
    };
    let value = convert(raw, &ty).map_err(AssignError::Type)?;
    if value.is_null() && !var.nullable {
        return Err(AssignError::Null);
    }
    Ok(value.mark_if(var.sensitive))
}

/// A value from the environment or `--var`: literal for primitive types, HCL otherwise.
fn parse_raw(s: &str, ty: &Type) -> Value {
    match ty {
        Type::String | Type::Number | Type::Bool | Type::Dynamic => Value::string(s),
        _ => hcl_edit::parser::parse_expr(s)
            .ok()
            .and_then(|e| Evaluator::new(&EmptyScope, &FuncContext::default()).eval(&e).ok())
            .unwrap_or_else(|| Value::string(s)),
    }
}

/// Where the first function call in an expression is, if there is one.
fn first_call(e: &hcl_edit::expr::Expression) -> Option<std::ops::Range<usize>> {
    use hcl_edit::expr::Expression as E;
    match e {
        E::FuncCall(f) => f.name.name.span().or(e.span()),
        E::Array(items) => items.iter().find_map(first_call),
        E::Object(o) => o.iter().find_map(|(k, v)| {
            let key = match k {
                hcl_edit::expr::ObjectKey::Expression(k) => first_call(k),
                _ => None,
            };
            key.or_else(|| first_call(v.expr()))
        }),
        E::Parenthesis(p) => first_call(p.inner()),
        E::Conditional(c) => first_call(&c.cond_expr)
            .or_else(|| first_call(&c.true_expr))
            .or_else(|| first_call(&c.false_expr)),
        E::UnaryOp(u) => first_call(&u.expr),
        E::BinaryOp(b) => first_call(&b.lhs_expr).or_else(|| first_call(&b.rhs_expr)),
        E::Traversal(t) => first_call(&t.expr),
        E::ForExpr(f) => first_call(&f.intro.collection_expr).or_else(|| first_call(&f.value_expr)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::from_files;

    fn config(dir: &Path, src: &str) -> Config {
        let (c, d) = from_files(
            dir,
            vec![("main.tf".into(), Ok(src.as_bytes().to_vec()))],
            &crate::provider::catalog::testing::schemas(),
        );
        assert!(d.is_empty(), "{d:?}");
        c
    }

    const DECL: &str = r#"
variable "a" {
  type    = string
  default = "default"
}
variable "n" {
  type    = number
  default = 1
}
variable "pools" {
  type    = map(object({ size = string, count = optional(number, 2) }))
  default = {}
}
"#;

    #[test]
    fn later_sources_win() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("terraform.tfvars"), "a = \"tfvars\"\nn = 2\n").unwrap();
        std::fs::write(dir.path().join("b.auto.tfvars"), "a = \"auto-b\"\n").unwrap();
        std::fs::write(dir.path().join("a.auto.tfvars"), "a = \"auto-a\"\nn = 3\n").unwrap();
        std::fs::write(dir.path().join("extra.tfvars"), "a = \"var-file\"\n").unwrap();
        let mut c = config(dir.path(), DECL);
        let env = vec![("TF_VAR_a".into(), "env".into()), ("TF_VAR_n".into(), "9".into())];

        let resolve_with = |c: &mut Config, files: Vec<PathBuf>, vars: Vec<String>| {
            let (v, d) = resolve(
                c,
                &VarInputs {
                    env: env.clone(),
                    var_files: files,
                    vars,
                },
                Missing::Error,
            );
            assert!(!d.has_errors(), "{d:?}");
            (v["a"].clone(), v["n"].clone())
        };
        // auto files in name order: b after a.
        assert_eq!(
            resolve_with(&mut c, vec![], vec![]),
            (Value::string("auto-b"), Value::from(3.0))
        );
        let f = vec![dir.path().join("extra.tfvars")];
        assert_eq!(resolve_with(&mut c, f.clone(), vec![]).0, Value::string("var-file"));
        assert_eq!(resolve_with(&mut c, f, vec!["a=cli".into()]).0, Value::string("cli"));
    }

    #[test]
    fn environment_beats_defaults_and_is_typed() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = config(dir.path(), DECL);
        let env = vec![
            ("TF_VAR_n".into(), "42".into()),
            ("TF_VAR_pools".into(), "{ sys = { size = \"Standard_D4s_v5\" } }".into()),
        ];
        let (v, d) = resolve(
            &mut c,
            &VarInputs {
                env,
                ..Default::default()
            },
            Missing::Error,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v["a"], Value::string("default"));
        assert_eq!(v["n"], Value::from(42.0));
        assert_eq!(v["pools"].get("sys").unwrap().get("count"), Some(&Value::from(2.0)));
    }

    #[test]
    fn required_variable_without_value_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = config(dir.path(), "variable \"cluster_name\" {}\n");
        let (_, d) = resolve(&mut c, &VarInputs::default(), Missing::Error);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "No value for required variable");
        assert!(d.detail.contains("cluster_name"));
        assert_eq!(c.sources.text(d.span.unwrap()), "variable \"cluster_name\"");
    }

    #[test]
    fn ill_typed_tfvars_value_is_reported_in_the_tfvars_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("terraform.tfvars"), "n = \"many\"\n").unwrap();
        let mut c = config(dir.path(), DECL);
        let (_, d) = resolve(&mut c, &VarInputs::default(), Missing::Error);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Invalid value for variable");
        let span = d.span.unwrap();
        assert_eq!(c.sources.get(span.file).name, "terraform.tfvars");
        assert_eq!(c.sources.text(span), "\"many\"");
    }

    #[test]
    fn undeclared_values() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("terraform.tfvars"), "zzz = 1\n").unwrap();
        let mut c = config(dir.path(), DECL);
        let (_, d) = resolve(
            &mut c,
            &VarInputs {
                vars: vec!["yyy=1".into(), "bad".into()],
                ..Default::default()
            },
            Missing::Error,
        );
        let s: Vec<(String, bool)> = d.iter().map(|d| (d.summary.clone(), d.is_error())).collect();
        assert_eq!(
            s,
            vec![
                ("Value for undeclared variable".into(), false),
                ("Value for undeclared variable".into(), true),
                ("Invalid --var option".into(), true)
            ]
        );
    }

    #[test]
    fn sensitive_and_non_nullable() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = config(
            dir.path(),
            "variable \"s\" {\n  sensitive = true\n  default = \"x\"\n}\nvariable \"nn\" {\n  nullable = false\n  default = null\n}\n",
        );
        let (v, d) = resolve(&mut c, &VarInputs::default(), Missing::Error);
        assert!(v["s"].has_sensitive());
        assert!(d.iter().next().unwrap().detail.contains("not nullable"));
    }

    #[test]
    fn missing_values_can_be_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = config(dir.path(), "variable \"name\" {\n  type = list(string)\n}\n");
        let (v, d) = resolve(&mut c, &VarInputs::default(), Missing::Unknown);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v["name"], Value::Unknown(Type::list(Type::String)));
    }

    #[test]
    fn null_for_a_non_nullable_variable_takes_its_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("terraform.tfvars"), "n = null\n").unwrap();
        let mut c = config(dir.path(), "variable \"n\" {\n  nullable = false\n  default  = 5\n}\n");
        let (v, d) = resolve(&mut c, &VarInputs::default(), Missing::Error);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(v["n"], Value::from(5.0));
    }

    #[test]
    fn function_calls_are_refused_in_variables_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("terraform.tfvars"), "n = max(1, 2)\n").unwrap();
        let mut c = config(dir.path(), "variable \"n\" {}\n");
        let (_, d) = resolve(&mut c, &VarInputs::default(), Missing::Error);
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Function calls not allowed");
        assert_eq!(c.sources.text(d.span.unwrap()), "max");
    }
}
