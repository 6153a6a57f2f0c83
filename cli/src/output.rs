//! Printing answers: pretty JSON, or a text table for lists.

use serde_json::{Map, Value};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The typed answer as pretty JSON.
    Json,
    /// A list as a table (other answers as field/value rows).
    Table,
    /// The whole answer body, envelope included, as pretty JSON.
    Raw,
}

/// Pretty JSON with a trailing newline.
pub fn json(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    s.push('\n');
    s
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A table of `v`: an array, or the array under `field`; any other value
/// becomes FIELD/VALUE rows.
pub fn table(v: &Value, field: Option<&str>) -> String {
    let rows = match (v, field) {
        (Value::Array(a), _) => Some(a),
        (Value::Object(o), Some(f)) => o.get(f).and_then(Value::as_array),
        _ => None,
    };
    match rows {
        Some(rows) => list_table(rows),
        None => match v {
            Value::Object(o) => pairs(o),
            other => json(other),
        },
    }
}

fn list_table(rows: &[Value]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut columns: Vec<String> = Vec::new();
    for r in rows {
        if let Value::Object(o) = r {
            for k in o.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    if columns.is_empty() {
        columns.push("VALUE".to_owned());
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| match r {
            Value::Object(o) => columns
                .iter()
                .map(|c| o.get(c).map(cell).unwrap_or_default())
                .collect(),
            other => vec![cell(other)],
        })
        .collect();
    render(&columns, &cells)
}

fn pairs(o: &Map<String, Value>) -> String {
    let header = vec!["FIELD".to_owned(), "VALUE".to_owned()];
    let cells: Vec<Vec<String>> = o.iter().map(|(k, v)| vec![k.clone(), cell(v)]).collect();
    render(&header, &cells)
}

fn render(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        s.trim_end().to_owned() + "\n"
    };
    let mut out = line(header);
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_become_aligned_columns() {
        let v = json!({"MemberList": [
            {"Member_Account": "alice", "Role": "Owner"},
            {"Member_Account": "bob", "Marks": [1001]}
        ], "Next": ""});
        let t = table(&v, Some("MemberList"));
        assert_eq!(
            t,
            "Member_Account  Role   Marks\nalice           Owner\nbob                    [1001]\n"
        );
    }

    #[test]
    fn other_answers_become_field_value_rows() {
        let t = table(&json!({"Url": "https://x", "N": 2}), None);
        assert_eq!(t, "FIELD  VALUE\nN      2\nUrl    https://x\n");
    }
}
