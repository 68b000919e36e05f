//! The words `random_pet` names are made of: our own lists of adverbs,
//! adjectives and animals, lowercase ASCII letters only, so that a name is
//! safe in any Azure resource name that takes letters and a separator.
//! A name of one word is an animal, of two an adjective and an animal, and
//! of more, adverbs before the adjective.

#[rustfmt::skip]
pub const ADVERBS: &[&str] = &[
    "barely", "boldly", "briskly", "calmly", "carefully", "cheerfully", "clearly", "closely",
    "deeply", "eagerly", "easily", "evenly", "fairly", "firmly", "freely", "gently", "gladly",
    "gracefully", "happily", "highly", "honestly", "humbly", "keenly", "kindly", "lightly",
    "loudly", "loyally", "lazily", "merrily", "mildly", "neatly", "nicely", "openly", "patiently",
    "plainly", "politely", "promptly", "proudly", "quickly", "quietly", "rapidly", "rarely",
    "readily", "really", "safely", "seemingly", "sharply", "shyly", "simply", "slowly", "smoothly",
    "softly", "solidly", "steadily", "strongly", "surely", "sweetly", "swiftly", "tenderly",
    "thankfully", "tightly", "truly", "usefully", "vastly", "warmly", "wildly", "wisely",
    "youthfully", "zestfully", "brightly",
];

#[rustfmt::skip]
pub const ADJECTIVES: &[&str] = &[
    "agile", "amber", "ancient", "arctic", "autumn", "azure", "bold", "brave", "breezy", "bright",
    "calm", "candid", "careful", "cheery", "clever", "cosmic", "crimson", "crisp", "curious",
    "daring", "dapper", "dusty", "eager", "early", "electric", "elegant", "emerald", "fancy",
    "fearless", "fluffy", "frosty", "gentle", "giant", "gleaming", "golden", "graceful", "grand",
    "happy", "hardy", "hidden", "humble", "icy", "jolly", "jovial", "keen", "kind", "lively",
    "lucky", "lunar", "mellow", "mighty", "misty", "modest", "nimble", "noble", "polar", "polished",
    "proud", "quick", "quiet", "radiant", "rapid", "rustic", "scarlet", "serene", "shiny", "silent",
    "silver", "sleek", "smooth", "snowy", "solar", "spry", "stellar", "steady", "sturdy", "sunny",
    "swift", "tidy", "tranquil", "trusty", "valiant", "velvet", "vivid", "wandering", "warm",
    "wise", "witty", "young", "zesty",
];

#[rustfmt::skip]
pub const ANIMALS: &[&str] = &[
    "albatross", "alpaca", "anteater", "armadillo", "badger", "beaver", "bison", "bobcat",
    "buffalo", "camel", "capybara", "caribou", "cheetah", "chinchilla", "cougar", "coyote", "crane",
    "dingo", "dolphin", "donkey", "eagle", "egret", "elk", "falcon", "ferret", "finch", "flamingo",
    "fox", "gazelle", "gecko", "gibbon", "giraffe", "gopher", "gorilla", "hedgehog", "heron",
    "hippo", "hyena", "ibis", "iguana", "impala", "jackal", "jaguar", "kestrel", "kingfisher",
    "koala", "lemur", "leopard", "llama", "lynx", "macaw", "magpie", "manatee", "marmot", "meerkat",
    "mongoose", "moose", "narwhal", "ocelot", "octopus", "orca", "osprey", "otter", "owl", "panda",
    "panther", "pelican", "penguin", "puffin", "quail", "raccoon", "raven", "reindeer",
    "salamander", "seal", "sparrow", "squirrel", "starling", "stork", "swan", "tapir", "tiger",
    "toucan", "turtle", "urchin", "vulture", "walrus", "weasel", "wombat", "yak",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_letters_without_repeats() {
        for list in [ADVERBS, ADJECTIVES, ANIMALS] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "a word repeats");
            assert!(list
                .iter()
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())));
        }
    }
}
