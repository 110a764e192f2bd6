//! Reads the program to show from the page address (`?code=` or Python Tutor's `#code=`, with
//! `file=` for more files and `heapPrimitives=`), and writes it back in the same form.

use pyscope_layout::HeapMode;
use pyscope_trace::SourceFile;

/// The name of the file that `code=` holds.
const MAIN: &str = "main.py";

/// The files given in `search` or, failing that, `hash`: `code=` is `main.py`, and each
/// `file=` holds another file as `<name>` + newline + `<text>`.
pub fn files_from_address(search: &str, hash: &str) -> Option<Vec<SourceFile>> {
    files_from(search.trim_start_matches('?')).or_else(|| files_from(hash.trim_start_matches('#')))
}

/// The files a `code=...&file=...` list holds (the form [`encode_files`] writes).
pub fn files_from(list: &str) -> Option<Vec<SourceFile>> {
    let main = param(list, "code")?;
    let mut files = vec![SourceFile {
        name: MAIN.into(),
        text: main,
    }];
    for pair in list.split('&') {
        let Some(("file", v)) = pair.split_once('=') else {
            continue;
        };
        let v = percent_decode(v);
        if let Some((name, text)) = v.split_once('\n')
            && !name.is_empty()
            && name != MAIN
            && !files.iter().any(|f| f.name == name)
        {
            files.push(SourceFile {
                name: name.into(),
                text: text.into(),
            });
        }
    }
    Some(files)
}

/// The heap mode named by `heapPrimitives=` in the query string or the fragment.
pub fn heap_mode_from_address(search: &str, hash: &str) -> Option<HeapMode> {
    param(search.trim_start_matches('?'), "heapPrimitives")
        .or_else(|| param(hash.trim_start_matches('#'), "heapPrimitives"))
        .and_then(|v| HeapMode::parse(&v))
}

/// `code=<main>&file=<name>%0A<text>...`, plus `heapPrimitives=` unless it is the default.
pub fn encode_files(files: &[SourceFile], mode: HeapMode) -> String {
    let mut out = String::new();
    for f in files {
        if f.name == MAIN {
            out.insert_str(0, &format!("code={}", percent_encode(&f.text)));
        } else {
            out.push_str(&format!(
                "&file={}",
                percent_encode(&format!("{}\n{}", f.name, f.text))
            ));
        }
    }
    if mode != HeapMode::default() {
        out.push_str(&format!("&heapPrimitives={}", mode.as_str()));
    }
    out
}

/// The code given in the address, if any. The query string wins over the fragment.
///
/// `search` is `location.search` (with or without its `?`) and `hash` is `location.hash`
/// (with or without its `#`). Both are `&`-separated `key=value` lists whose values are
/// percent-encoded, with `+` standing for a space as in HTML forms and Python Tutor links.
pub fn code_from_address(search: &str, hash: &str) -> Option<String> {
    param(search.trim_start_matches('?'), "code")
        .or_else(|| param(hash.trim_start_matches('#'), "code"))
}

fn param(list: &str, key: &str) -> Option<String> {
    list.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (percent_decode(k) == key).then(|| percent_decode(v))
    })
}

/// Decodes `%XX` escapes and `+` into text; malformed escapes are kept as written, and byte
/// sequences that are not UTF-8 become replacement characters.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encodes text for a `code=` parameter, like JavaScript's `encodeURIComponent`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "a = [1, 2]\nb = a\nb.append(3)\nprint(a)";

    #[test]
    fn reads_query_and_fragment() {
        let enc = percent_encode(EXAMPLE);
        assert_eq!(
            code_from_address(&format!("?code={enc}"), ""),
            Some(EXAMPLE.to_string())
        );
        assert_eq!(
            code_from_address("", &format!("#code={enc}&mode=display")),
            Some(EXAMPLE.to_string())
        );
        assert_eq!(
            code_from_address("?x=1&code=print(1)", "#code=other"),
            Some("print(1)".to_string())
        );
        assert_eq!(code_from_address("?x=1", ""), None);
    }

    #[test]
    fn several_files_and_the_heap_mode_round_trip() {
        let files = vec![
            SourceFile {
                name: "main.py".into(),
                text: "import helper\nprint(helper.x)\n".into(),
            },
            SourceFile {
                name: "helper.py".into(),
                text: "x = 'a&b=c'\n".into(),
            },
        ];
        let hash = encode_files(&files, HeapMode::AllOnHeap);
        assert!(hash.starts_with("code=import%20helper"));
        assert_eq!(
            files_from_address("", &format!("#{hash}")),
            Some(files.clone())
        );
        assert_eq!(heap_mode_from_address("", &hash), Some(HeapMode::AllOnHeap));
        assert_eq!(
            heap_mode_from_address("?heapPrimitives=false", &hash),
            Some(HeapMode::Nest)
        );
        assert_eq!(heap_mode_from_address("?heapPrimitives=maybe", ""), None);
        assert!(!encode_files(&files, HeapMode::NeverNest).contains("heapPrimitives"));
        assert_eq!(
            files_from_address("?code=x%3D1", "#code=y"),
            Some(vec![SourceFile {
                name: "main.py".into(),
                text: "x=1".into()
            }])
        );
        assert_eq!(files_from_address("?heapPrimitives=true", ""), None);
    }

    #[test]
    fn decodes_plus_utf8_and_keeps_bad_escapes() {
        assert_eq!(percent_decode("x+%3D+1"), "x = 1");
        assert_eq!(percent_decode("%C3%A9%E2%82%AC"), "é€");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn encoding_round_trips() {
        for s in [EXAMPLE, "é € + & = # ? %", ""] {
            assert_eq!(percent_decode(&percent_encode(s)), s);
        }
        assert_eq!(percent_encode("a b+c"), "a%20b%2Bc");
    }
}
