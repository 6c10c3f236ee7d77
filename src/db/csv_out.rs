//! The one CSV writer of every export (`claimdb export …` and `/export/*.csv`).
//!
//! A row is serialised cell by cell. A *text* cell that a spreadsheet would read as a formula
//! (one starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a
//! leading `'` (OWASP, "CSV injection"), whatever put the text there: an anonymous submission,
//! a fetched page's metadata, a reviewer's note. Numbers, booleans and dates are never text and
//! are written as they are, so ids and values stay numbers.

use std::borrow::Cow;
use std::io::Write;

use serde::ser::{self, Impossible, Serialize, SerializeStruct};

/// The characters that make a spreadsheet read a cell as a formula (OWASP).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a cell no spreadsheet runs: prefixed with `'` when it starts like a formula.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV writer whose rows are structs of plain fields (`Option`s of them included).
pub struct CsvOut<W: Write> {
    writer: csv::Writer<W>,
    header_written: bool,
}

/// A row that cannot be written as one line of cells (a nested value).
#[derive(Debug, thiserror::Error)]
#[error("a CSV row cannot hold {0}")]
pub struct RowError(String);

impl ser::Error for RowError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        RowError(msg.to_string())
    }
}

/// Why a row was not written.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error(transparent)]
    Row(#[from] RowError),
    #[error(transparent)]
    Csv(#[from] csv::Error),
}

impl<W: Write> CsvOut<W> {
    pub fn new(out: W) -> Self {
        CsvOut {
            writer: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(out),
            header_written: false,
        }
    }

    /// Writes the header line (column names are ours, never neutralised).
    pub fn header(&mut self, columns: &[&str]) -> Result<(), CsvError> {
        self.writer.write_record(columns)?;
        self.header_written = true;
        Ok(())
    }

    /// Writes one row; before the first, the field names as the header unless one was written.
    pub fn row<T: Serialize>(&mut self, row: &T) -> Result<(), CsvError> {
        let mut cells = Row::default();
        row.serialize(&mut cells)?;
        if !self.header_written {
            self.writer.write_record(&cells.names)?;
            self.header_written = true;
        }
        self.writer
            .write_record(cells.values.iter().map(|c| match c {
                Cell::Text(t) => match neutralise(t) {
                    Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
                    Cow::Owned(t) => Cow::Owned(t.into_bytes()),
                },
                Cell::Plain(p) => Cow::Borrowed(p.as_bytes()),
            }))?;
        Ok(())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// A cell as serialised: text (neutralised when written) or a number, boolean or empty.
enum Cell {
    Text(String),
    Plain(String),
}

#[derive(Default)]
struct Row {
    names: Vec<&'static str>,
    values: Vec<Cell>,
}

/// Serialises one field's value into a [`Cell`], as the csv crate would write it.
struct CellSerializer;

macro_rules! plain {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<Cell, RowError> {
            Ok(Cell::Plain(v.to_string()))
        })*
    };
}

macro_rules! refused {
    ($($method:ident($($arg:ty),*) -> $ret:ty),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, RowError> {
            Err(RowError(stringify!($method).trim_start_matches("serialize_").to_string()))
        })*
    };
}

/// The `Serializer` methods of a row that cannot be one (anything but a struct).
macro_rules! not_a_row {
    () => {
        refused! {
            serialize_bool(bool) -> (), serialize_i8(i8) -> (), serialize_i16(i16) -> (),
            serialize_i32(i32) -> (), serialize_i64(i64) -> (), serialize_u8(u8) -> (),
            serialize_u16(u16) -> (), serialize_u32(u32) -> (), serialize_u64(u64) -> (),
            serialize_f32(f32) -> (), serialize_f64(f64) -> (), serialize_char(char) -> (),
            serialize_str(&str) -> (), serialize_bytes(&[u8]) -> (), serialize_none() -> (),
            serialize_unit() -> (), serialize_unit_struct(&'static str) -> (),
            serialize_unit_variant(&'static str, u32, &'static str) -> (),
            serialize_seq(Option<usize>) -> Self::SerializeSeq,
            serialize_tuple(usize) -> Self::SerializeTuple,
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
            serialize_tuple_variant(&'static str, u32, &'static str, usize)
                -> Self::SerializeTupleVariant,
            serialize_map(Option<usize>) -> Self::SerializeMap,
            serialize_struct_variant(&'static str, u32, &'static str, usize)
                -> Self::SerializeStructVariant,
        }

        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), RowError> {
            Err(RowError("an optional row".into()))
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), RowError> {
            value.serialize(self)
        }

        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), RowError> {
            Err(RowError("an enum row".into()))
        }
    };
}

impl ser::Serializer for &mut Row {
    type Ok = ();
    type Error = RowError;
    type SerializeSeq = Impossible<(), RowError>;
    type SerializeTuple = Impossible<(), RowError>;
    type SerializeTupleStruct = Impossible<(), RowError>;
    type SerializeTupleVariant = Impossible<(), RowError>;
    type SerializeMap = Impossible<(), RowError>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), RowError>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, RowError> {
        Ok(self)
    }

    not_a_row! {}
}

impl SerializeStruct for &mut Row {
    type Ok = ();
    type Error = RowError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), RowError> {
        self.names.push(name);
        self.values.push(value.serialize(CellSerializer)?);
        Ok(())
    }

    fn end(self) -> Result<(), RowError> {
        Ok(())
    }
}

impl ser::Serializer for CellSerializer {
    type Ok = Cell;
    type Error = RowError;
    type SerializeSeq = Impossible<Cell, RowError>;
    type SerializeTuple = Impossible<Cell, RowError>;
    type SerializeTupleStruct = Impossible<Cell, RowError>;
    type SerializeTupleVariant = Impossible<Cell, RowError>;
    type SerializeMap = Impossible<Cell, RowError>;
    type SerializeStruct = Impossible<Cell, RowError>;
    type SerializeStructVariant = Impossible<Cell, RowError>;

    plain! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64
    }

    fn serialize_char(self, v: char) -> Result<Cell, RowError> {
        Ok(Cell::Text(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Cell, RowError> {
        Ok(Cell::Text(v.to_string()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Cell, RowError> {
        Ok(Cell::Text(String::from_utf8_lossy(v).into_owned()))
    }

    fn serialize_none(self) -> Result<Cell, RowError> {
        Ok(Cell::Plain(String::new()))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Cell, RowError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Cell, RowError> {
        Ok(Cell::Plain(String::new()))
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Cell, RowError> {
        Ok(Cell::Plain(String::new()))
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Cell, RowError> {
        Ok(Cell::Text(variant.to_string()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Cell, RowError> {
        value.serialize(self)
    }

    refused! {
        serialize_seq(Option<usize>) -> Self::SerializeSeq,
        serialize_tuple(usize) -> Self::SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize)
            -> Self::SerializeTupleVariant,
        serialize_map(Option<usize>) -> Self::SerializeMap,
        serialize_struct(&'static str, usize) -> Self::SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize)
            -> Self::SerializeStructVariant,
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Cell, RowError> {
        Err(RowError("an enum value".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct R {
        id: i64,
        value: Option<i64>,
        title: String,
        note: Option<String>,
        flag: bool,
        label: &'static str,
    }

    fn csv_of(rows: &[R]) -> String {
        let mut out = Vec::new();
        let mut w = CsvOut::new(&mut out);
        for r in rows {
            w.row(r).unwrap();
        }
        w.flush().unwrap();
        drop(w);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_that_starts_like_a_formula_is_neutralised_and_numbers_are_not() {
        let rows = [
            R {
                id: -3,
                value: Some(-12),
                title: "=1+1".into(),
                note: Some("@SUM(1+1)".into()),
                flag: true,
                label: "-2+3",
            },
            R {
                id: 4,
                value: None,
                title: "+cmd|' /C calc'!A0".into(),
                note: Some("\tx".into()),
                flag: false,
                label: "\r=x",
            },
            R {
                id: 5,
                value: Some(15),
                title: "At least 15 = killed, -ish".into(),
                note: None,
                flag: false,
                label: "",
            },
        ];
        assert_eq!(
            csv_of(&rows),
            "id,value,title,note,flag,label\n\
             -3,-12,'=1+1,'@SUM(1+1),true,'-2+3\n\
             4,,'+cmd|' /C calc'!A0,'\tx,false,\"'\r=x\"\n\
             5,15,\"At least 15 = killed, -ish\",,false,\n"
        );
    }

    #[test]
    fn a_header_given_first_replaces_the_field_names() {
        let mut out = Vec::new();
        let mut w = CsvOut::new(&mut out);
        w.header(&["a", "b", "c", "d", "e", "f"]).unwrap();
        w.row(&R {
            id: 1,
            value: None,
            title: "t".into(),
            note: None,
            flag: true,
            label: "l",
        })
        .unwrap();
        w.flush().unwrap();
        drop(w);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b,c,d,e,f\n1,,t,,true,l\n"
        );
    }
}
