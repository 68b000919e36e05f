//! Provider schemas: `terraform providers schema -json` without descriptions.

use std::path::Path;

pub fn generate(_data: &Path, _out: &Path) -> Result<(), String> {
    Err("schemas: not written yet".into())
}
