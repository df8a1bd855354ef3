//! The checksum of a script file, as the history table records it.
//!
//! SHA-256 of the file's bytes after normalising them: a UTF-8 byte-order mark is dropped and
//! CRLF and lone CR become LF, so a checkout on another OS does not look edited.

use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of a script file's bytes, after dropping a UTF-8 byte-order mark
/// and turning CRLF and lone CR into LF.
pub fn checksum(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut hasher = Sha256::new();
    let mut rest = bytes;
    while let Some(cr) = rest.iter().position(|&b| b == b'\r') {
        hasher.update(&rest[..cr]);
        hasher.update(b"\n");
        rest = &rest[cr + 1..];
        if rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
    }
    hasher.update(rest);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_ignores_bom_and_line_endings() {
        let lf = checksum(b"-- revision: a\n\n-- +upgrade\nSELECT 1;\n");
        assert_eq!(
            lf,
            checksum(b"-- revision: a\r\n\r\n-- +upgrade\r\nSELECT 1;\r\n")
        );
        assert_eq!(lf, checksum(b"-- revision: a\r\r-- +upgrade\rSELECT 1;\r"));
        assert_eq!(
            lf,
            checksum(b"\xEF\xBB\xBF-- revision: a\r\n\n-- +upgrade\rSELECT 1;\n")
        );
        assert_ne!(lf, checksum(b"-- revision: a\n\n-- +upgrade\nSELECT 2;\n"));
        // A blank line is content, whatever its line ending.
        assert_ne!(lf, checksum(b"-- revision: a\n-- +upgrade\nSELECT 1;\n"));
        assert_eq!(
            checksum(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
