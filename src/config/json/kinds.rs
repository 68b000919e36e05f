//! What each key of a JSON body is: an argument (and how its value is read)
//! or a block (with how many labels, and what its body is).
//!
//! JSON does not say whether `"x": {...}` is an argument holding an object
//! or a block; the schema of the enclosing block does, as in terraform
//! (`internal/configs` for the language's own blocks, the provider schema for
//! resource bodies). The tables follow terraform 1.11. For a resource type
//! aksplan has no schema for, every key other than a meta-argument is an
//! argument: terraform rejects the type before it reads the body, and so does
//! aksplan's validation.

use crate::addrs::Mode as ResourceMode;
use crate::schema::{BlockSchema, SchemaSource};

/// How the value of an argument is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An expression: strings are templates.
    Expr,
    /// A constant read without a scope: strings are taken verbatim.
    Literal,
    /// A constant bool; terraform also takes the strings "true" and "false".
    Bool,
    /// A string holds HCL source: a reference, a type, a keyword.
    Raw,
    /// A list of `Raw` strings (`depends_on`, `ignore_changes`), or one.
    RawList,
    /// An object whose keys and values are `Raw` (a module's `providers`).
    RawMap,
    /// A `required_providers` entry: verbatim, with `configuration_aliases` as references.
    RequiredProvider,
}

/// The kind of a block body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'s> {
    Table(&'static Table),
    /// A resource or data block: meta-arguments, then the type's schema.
    Resource(Option<&'s BlockSchema>),
    /// A nested block of a resource, by its schema.
    Schema(&'s BlockSchema),
    /// A `dynamic` block generating blocks of the given schema.
    Dynamic(Option<&'s BlockSchema>),
}

/// A key of a body.
#[derive(Debug, Clone, Copy)]
pub enum Member<'s> {
    Attr(Mode),
    Block(Block<'s>),
}

#[derive(Debug, Clone, Copy)]
pub struct Block<'s> {
    pub labels: &'static [&'static str],
    pub body: Target<'s>,
}

/// The body of a block, which for some blocks depends on their labels.
#[derive(Debug, Clone, Copy)]
pub enum Target<'s> {
    Fixed(Body<'s>),
    Resource(ResourceMode),
    /// An ephemeral resource: aksplan has none, so no schema.
    Ephemeral,
    /// `dynamic "NAME"` inside a body of this schema.
    Dynamic(Option<&'s BlockSchema>),
}

impl<'s> Target<'s> {
    pub fn body(self, labels: &[String], schemas: &'s dyn SchemaSource) -> Body<'s> {
        match self {
            Target::Fixed(b) => b,
            Target::Resource(mode) => {
                Body::Resource(labels.first().and_then(|t| schemas.schema(mode, t)).map(|s| &s.block))
            }
            Target::Ephemeral => Body::Resource(None),
            Target::Dynamic(parent) => Body::Dynamic(
                parent
                    .zip(labels.first())
                    .and_then(|(p, l)| p.block_types.get(l.as_str()))
                    .map(|n| &n.block),
            ),
        }
    }
}

/// What keys not in a table are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// An error: terraform's "Extraneous JSON object property".
    Extraneous,
    /// Arguments, every one (terraform reads such bodies with `JustAttributes`).
    Attrs(Mode),
    /// A block if the value is an object or an array, else an argument (a
    /// provider's settings, whose schema aksplan does not have).
    BlocksOrAttrs,
}

#[derive(Debug)]
pub struct Table {
    pub attrs: &'static [(&'static str, Mode)],
    pub blocks: &'static [(&'static str, &'static [&'static str], Target<'static>)],
    pub rest: Rest,
    /// Read as terraform's `JustAttributes` reads a body: one object (no
    /// array of objects), every key an argument.
    pub just_attributes: bool,
}

use Mode::*;

const fn fixed(t: &'static Table) -> Target<'static> {
    Target::Fixed(Body::Table(t))
}

pub static FILE: Table = Table {
    attrs: &[],
    blocks: &[
        ("terraform", &[], fixed(&TERRAFORM)),
        ("required_providers", &[], fixed(&REQUIRED_PROVIDERS)),
        ("provider", &["name"], fixed(&PROVIDER)),
        ("variable", &["name"], fixed(&VARIABLE)),
        ("locals", &[], fixed(&LOCALS)),
        ("output", &["name"], fixed(&OUTPUT)),
        ("module", &["name"], fixed(&MODULE)),
        ("resource", &["type", "name"], Target::Resource(ResourceMode::Managed)),
        ("data", &["type", "name"], Target::Resource(ResourceMode::Data)),
        ("ephemeral", &["type", "name"], Target::Ephemeral),
        ("moved", &[], fixed(&MOVED)),
        ("removed", &[], fixed(&REMOVED)),
        ("import", &[], fixed(&IMPORT)),
        ("check", &["name"], fixed(&CHECK)),
    ],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static TERRAFORM: Table = Table {
    attrs: &[
        ("required_version", Literal),
        ("experiments", RawList),
        ("language", Raw),
    ],
    blocks: &[
        ("backend", &["type"], fixed(&VERBATIM)),
        ("cloud", &[], fixed(&CLOUD)),
        ("required_providers", &[], fixed(&REQUIRED_PROVIDERS)),
        ("provider_meta", &["provider"], fixed(&VERBATIM)),
    ],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static VERBATIM: Table = Table {
    attrs: &[],
    blocks: &[],
    rest: Rest::Attrs(Literal),
    just_attributes: false,
};

static CLOUD: Table = Table {
    attrs: &[("organization", Literal), ("hostname", Literal), ("token", Literal)],
    blocks: &[("workspaces", &[], fixed(&WORKSPACES))],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static WORKSPACES: Table = Table {
    attrs: &[("name", Literal), ("tags", Literal), ("project", Literal)],
    blocks: &[],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static REQUIRED_PROVIDERS: Table = Table {
    attrs: &[],
    blocks: &[],
    rest: Rest::Attrs(RequiredProvider),
    just_attributes: true,
};

static PROVIDER: Table = Table {
    attrs: &[("alias", Literal), ("version", Literal)],
    blocks: &[],
    rest: Rest::BlocksOrAttrs,
    just_attributes: false,
};

/// A provider's settings: aksplan has no provider schema, so objects are
/// blocks (`features { ... }`) and the rest arguments.
pub static SETTINGS: Table = Table {
    attrs: &[],
    blocks: &[],
    rest: Rest::BlocksOrAttrs,
    just_attributes: false,
};

pub static VARIABLE: Table = Table {
    attrs: &[
        ("description", Literal),
        ("default", Literal),
        ("type", Raw),
        ("sensitive", Bool),
        ("ephemeral", Bool),
        ("nullable", Bool),
    ],
    blocks: &[("validation", &[], fixed(&CONDITION))],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static CONDITION: Table = Table {
    attrs: &[("condition", Expr), ("error_message", Expr)],
    blocks: &[],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static OUTPUT: Table = Table {
    attrs: &[
        ("description", Literal),
        ("value", Expr),
        ("depends_on", RawList),
        ("sensitive", Bool),
        ("ephemeral", Bool),
    ],
    blocks: &[
        ("precondition", &[], fixed(&CONDITION)),
        ("postcondition", &[], fixed(&CONDITION)),
    ],
    rest: Rest::Extraneous,
    just_attributes: false,
};

pub static LOCALS: Table = Table {
    attrs: &[],
    blocks: &[],
    rest: Rest::Attrs(Expr),
    just_attributes: true,
};

static MODULE: Table = Table {
    attrs: &[
        ("source", Literal),
        ("version", Literal),
        ("count", Expr),
        ("for_each", Expr),
        ("depends_on", RawList),
        ("providers", RawMap),
    ],
    blocks: &[],
    rest: Rest::Attrs(Expr),
    just_attributes: false,
};

/// What a resource body takes before its type's schema: the meta-arguments.
pub static RESOURCE: Table = Table {
    attrs: &[
        ("count", Expr),
        ("for_each", Expr),
        ("provider", Raw),
        ("depends_on", RawList),
    ],
    blocks: &[
        ("lifecycle", &[], fixed(&LIFECYCLE)),
        ("connection", &[], fixed(&ARGUMENTS)),
        ("provisioner", &["type"], fixed(&PROVISIONER)),
        ("locals", &[], fixed(&LOCALS)),
    ],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static LIFECYCLE: Table = Table {
    attrs: &[
        ("create_before_destroy", Bool),
        ("prevent_destroy", Bool),
        ("ignore_changes", RawList),
        ("replace_triggered_by", RawList),
    ],
    blocks: &[
        ("precondition", &[], fixed(&CONDITION)),
        ("postcondition", &[], fixed(&CONDITION)),
    ],
    rest: Rest::Extraneous,
    just_attributes: false,
};

/// A body of arguments only, each an expression.
pub static ARGUMENTS: Table = Table {
    attrs: &[],
    blocks: &[],
    rest: Rest::Attrs(Expr),
    just_attributes: false,
};

static PROVISIONER: Table = Table {
    attrs: &[("when", Raw), ("on_failure", Raw)],
    blocks: &[("connection", &[], fixed(&ARGUMENTS))],
    rest: Rest::Attrs(Expr),
    just_attributes: false,
};

static MOVED: Table = Table {
    attrs: &[("from", Raw), ("to", Raw)],
    blocks: &[],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static REMOVED: Table = Table {
    attrs: &[("from", Raw)],
    blocks: &[
        ("lifecycle", &[], fixed(&REMOVED_LIFECYCLE)),
        ("connection", &[], fixed(&ARGUMENTS)),
        ("provisioner", &["type"], fixed(&PROVISIONER)),
    ],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static REMOVED_LIFECYCLE: Table = Table {
    attrs: &[("destroy", Bool)],
    blocks: &[],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static IMPORT: Table = Table {
    attrs: &[("to", Raw), ("id", Expr), ("provider", Raw), ("for_each", Expr)],
    blocks: &[],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static CHECK: Table = Table {
    attrs: &[],
    blocks: &[
        ("data", &["type", "name"], Target::Resource(ResourceMode::Data)),
        ("assert", &[], fixed(&CONDITION)),
    ],
    rest: Rest::Extraneous,
    just_attributes: false,
};

static DYNAMIC: Table = Table {
    attrs: &[("for_each", Expr), ("iterator", Raw), ("labels", Expr)],
    blocks: &[],
    rest: Rest::Extraneous,
    just_attributes: false,
};

impl<'s> Body<'s> {
    /// What `key` is in this body; `None` for a key it does not take.
    pub fn member(self, key: &str) -> Option<Member<'s>> {
        match self {
            Body::Table(t) => table_member(t, key),
            Body::Resource(schema) => table_member(&RESOURCE, key).or_else(|| match schema {
                Some(s) => schema_member(s, key),
                None => Some(Member::Attr(Expr)),
            }),
            Body::Schema(s) => schema_member(s, key),
            Body::Dynamic(schema) => table_member(&DYNAMIC, key).or_else(|| {
                (key == "content").then_some(Member::Block(Block {
                    labels: &[],
                    body: Target::Fixed(schema.map_or(Body::Table(&ARGUMENTS), Body::Schema)),
                }))
            }),
        }
    }

    /// What keys the body does not list are.
    pub fn rest(self) -> Rest {
        match self {
            Body::Table(t) => t.rest,
            Body::Resource(None) => Rest::Attrs(Expr),
            Body::Resource(Some(_)) | Body::Schema(_) | Body::Dynamic(_) => Rest::Extraneous,
        }
    }

    /// Names to suggest for a misspelt key: arguments not yet set, and
    /// block types (which may repeat), as terraform suggests them.
    pub fn names(self, set: &[&str]) -> Vec<&'s str> {
        let from_table = |t: &'static Table| {
            t.attrs
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| !set.contains(n))
                .chain(t.blocks.iter().map(|(n, _, _)| *n))
                .collect::<Vec<_>>()
        };
        let from_schema = |s: &'s BlockSchema| {
            s.attributes
                .iter()
                .filter(|(n, a)| !a.is_read_only() && !set.contains(&n.as_str()))
                .map(|(n, _)| n.as_str())
                .chain(s.block_types.keys().map(String::as_str))
                .chain(["dynamic"])
                .collect::<Vec<_>>()
        };
        match self {
            Body::Table(t) => from_table(t),
            Body::Resource(Some(s)) | Body::Schema(s) => from_schema(s),
            Body::Resource(None) => Vec::new(),
            Body::Dynamic(_) => {
                let mut v = from_table(&DYNAMIC);
                v.push("content");
                v
            }
        }
    }
}

fn table_member<'s>(t: &'static Table, key: &str) -> Option<Member<'s>> {
    if let Some((_, mode)) = t.attrs.iter().find(|(n, _)| *n == key) {
        return Some(Member::Attr(*mode));
    }
    t.blocks
        .iter()
        .find(|(n, _, _)| *n == key)
        .map(|(_, labels, body)| Member::Block(Block { labels, body: *body }))
}

fn schema_member<'s>(s: &'s BlockSchema, key: &str) -> Option<Member<'s>> {
    if s.attributes.contains_key(key) {
        return Some(Member::Attr(Expr));
    }
    if let Some(nested) = s.block_types.get(key) {
        return Some(Member::Block(Block {
            labels: &[],
            body: Target::Fixed(Body::Schema(&nested.block)),
        }));
    }
    (key == "dynamic").then_some(Member::Block(Block {
        labels: &["type"],
        body: Target::Dynamic(Some(s)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::catalog::testing::catalog as schemas;

    #[test]
    fn resource_keys_follow_the_schema() {
        let cluster =
            Target::Resource(ResourceMode::Managed).body(&["azurerm_kubernetes_cluster".into(), "k".into()], schemas());
        assert!(matches!(cluster.member("count"), Some(Member::Attr(Expr))));
        assert!(matches!(cluster.member("depends_on"), Some(Member::Attr(RawList))));
        assert!(matches!(cluster.member("name"), Some(Member::Attr(Expr))));
        assert!(matches!(cluster.member("default_node_pool"), Some(Member::Block(_))));
        assert!(matches!(cluster.member("lifecycle"), Some(Member::Block(_))));
        assert!(cluster.member("nmae").is_none());
        assert_eq!(cluster.rest(), Rest::Extraneous);
        assert!(cluster.names(&[]).contains(&"name"));
        assert!(!cluster.names(&["name"]).contains(&"name"));
    }

    #[test]
    fn unknown_types_take_any_argument() {
        let unknown = Target::Resource(ResourceMode::Managed).body(&["nope_thing".into(), "x".into()], schemas());
        assert!(matches!(unknown.member("anything"), Some(Member::Attr(Expr))));
        assert!(matches!(unknown.member("provider"), Some(Member::Attr(Raw))));
    }

    #[test]
    fn dynamic_content_takes_the_generated_block_schema() {
        let cluster =
            Target::Resource(ResourceMode::Managed).body(&["azurerm_kubernetes_cluster".into(), "k".into()], schemas());
        let Some(Member::Block(dynamic)) = cluster.member("dynamic") else {
            panic!()
        };
        let body = dynamic.body.body(&["default_node_pool".into()], schemas());
        let Some(Member::Block(content)) = body.member("content") else {
            panic!()
        };
        let pool = content.body.body(&[], schemas());
        assert!(matches!(pool.member("vm_size"), Some(Member::Attr(Expr))));
        assert!(matches!(body.member("iterator"), Some(Member::Attr(Raw))));
    }
}
