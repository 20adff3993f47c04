//! Where every byte goes: the layout of a format (items, offsets, padding)
//! and the reports of a pack or an unpack (each value with its bytes), so
//! the playground and the CLI can draw the buffer.

use serde::Serialize;

use super::error::StructError;
use super::format::{Item, Kind, Mode};
use super::value::hex;
use super::{Struct, Value};

/// A compiled format, item by item.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::layout;
///
/// let l = layout("ci").unwrap();
/// assert_eq!(l.size, 8);
/// assert_eq!((l.items[1].offset, l.items[1].padding), (4, 3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    pub format: String,
    pub mode: Mode,
    /// The struct's size in bytes (`calcsize`).
    pub size: u64,
    /// How many values `pack` takes and `unpack` returns.
    pub value_count: u64,
    pub items: Vec<LayoutItem>,
}

/// One item of a format: a code and its repeat count.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{layout, Kind};
///
/// let item = &layout("<b 3h").unwrap().items[1];
/// assert_eq!((item.code, item.kind, item.count), ('h', Kind::Signed, 3));
/// assert_eq!((item.offset, item.size, item.padding), (1, 6, 0));
/// assert_eq!((item.first_value, item.values, item.position), (1, 3, 3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayoutItem {
    /// The item's index among the format's items.
    pub index: usize,
    pub code: char,
    pub kind: Kind,
    /// The repeat count (the length, for `s` and `p`).
    pub count: u64,
    /// The offset of the item's first byte.
    pub offset: u64,
    /// The bytes the item covers.
    pub size: u64,
    /// The alignment padding inserted before it (native mode only).
    pub padding: u64,
    /// The index of its first value.
    pub first_value: u64,
    /// How many values it takes: the count, one for `s`/`p`, none for `x`.
    pub values: u64,
    /// Where it starts in the format string, in characters.
    pub position: usize,
}

impl LayoutItem {
    fn new(index: usize, item: &Item) -> Self {
        Self {
            index,
            code: item.code(),
            kind: item.def.kind,
            count: item.count,
            offset: item.offset,
            size: item.size(),
            padding: item.padding,
            first_value: item.first_value,
            values: item.values(),
            position: item.position,
        }
    }
}

/// One value and the bytes it occupies.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{Struct, Value};
///
/// let r = Struct::new(">cH").unwrap().pack_report(&[b"A".into(), 258.into()]).unwrap();
/// let f = &r.fields[1];
/// assert_eq!((f.index, f.code, f.offset, f.size), (1, 'H', 1, 2));
/// assert_eq!(f.value, Value::Int(258));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The value's index among the struct's values.
    pub index: usize,
    pub code: char,
    pub offset: u64,
    pub size: u64,
    pub value: Value,
}

/// What `pack` made: the bytes, and which value went where.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::Struct;
///
/// let r = Struct::new("<hh").unwrap().pack_report(&[1.into(), (-2).into()]).unwrap();
/// assert_eq!(r.hex, "0100feff");
/// assert_eq!(serde_json::to_value(&r).unwrap()["fields"][1]["offset"], 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackReport {
    pub format: String,
    pub size: u64,
    pub hex: String,
    /// The values as given, each with its place; padding has no field.
    pub fields: Vec<Field>,
}

/// What `unpack` found: the values, and where each came from.
///
/// # Examples
///
/// ```
/// use netlab_core::pystruct::{Struct, Value};
///
/// let r = Struct::new(">H?").unwrap().unpack_report(b"\x01\x02\x00").unwrap();
/// assert_eq!(r.values, [Value::Int(258), Value::Bool(false)]);
/// assert_eq!((r.fields[1].offset, r.fields[1].size), (2, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnpackReport {
    pub format: String,
    pub size: u64,
    pub hex: String,
    pub values: Vec<Value>,
    pub fields: Vec<Field>,
}

impl Struct {
    /// The format's items with their offsets, sizes and padding.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::Struct;
    ///
    /// let l = Struct::new("b0q").unwrap().layout();
    /// assert_eq!(l.size, 8);
    /// assert_eq!(l.items[1].padding, 7);
    /// ```
    pub fn layout(&self) -> Layout {
        Layout {
            format: self.format().to_owned(),
            mode: self.mode(),
            size: self.size(),
            value_count: self.value_count(),
            items: self
                .items()
                .iter()
                .enumerate()
                .map(|(i, item)| LayoutItem::new(i, item))
                .collect(),
        }
    }

    /// Packs `values` and reports where each went, and what it became: the
    /// value its bytes hold, as `unpack` reads them back (`2s` cuts
    /// `b'abcdef'` to `b'ab'`, `e` rounds 1.1 to 1.099609375, `?` makes 5
    /// `True`).
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, Value};
    ///
    /// let r = Struct::new("bi").unwrap().pack_report(&[1.into(), 2.into()]).unwrap();
    /// assert_eq!(r.hex, "0100000002000000");
    /// assert_eq!(r.fields[1].offset, 4);
    /// let cut = Struct::new("2s").unwrap().pack_report(&[b"abcdef".into()]).unwrap();
    /// assert_eq!(cut.fields[0].value, Value::Bytes(b"ab".to_vec()));
    /// ```
    pub fn pack_report(&self, values: &[Value]) -> Result<PackReport, StructError> {
        let bytes = self.pack(values)?;
        // `0p` packs but does not unpack (CPython's own quirk, kept): then
        // the values as given.
        let fields = match self.unpack(&bytes) {
            Ok(packed) => self.fields(&packed),
            Err(_) => self.fields(values),
        };
        Ok(PackReport {
            format: self.format().to_owned(),
            size: self.size(),
            hex: hex(&bytes),
            fields,
        })
    }

    /// Unpacks `bytes` and reports where each value came from.
    ///
    /// # Examples
    ///
    /// ```
    /// use netlab_core::pystruct::{Struct, Value};
    ///
    /// let r = Struct::new("<2B").unwrap().unpack_report(b"\x07\x08").unwrap();
    /// assert_eq!(r.values, [Value::Int(7), Value::Int(8)]);
    /// assert_eq!(r.fields[1].offset, 1);
    /// ```
    pub fn unpack_report(&self, bytes: &[u8]) -> Result<UnpackReport, StructError> {
        let values = self.unpack(bytes)?;
        Ok(UnpackReport {
            format: self.format().to_owned(),
            size: self.size(),
            hex: hex(bytes),
            fields: self.fields(&values),
            values,
        })
    }

    /// Pairs each value with its place; `values` holds one per slot.
    fn fields(&self, values: &[Value]) -> Vec<Field> {
        let mut fields = Vec::with_capacity(values.len());
        let mut values = values.iter().enumerate();
        for item in self.items() {
            let whole = matches!(item.def.kind, Kind::Bytes | Kind::Pascal);
            let size = if whole { item.size() } else { item.unit };
            for j in 0..item.values() {
                let Some((index, value)) = values.next() else {
                    return fields;
                };
                fields.push(Field {
                    index,
                    code: item.code(),
                    offset: item.offset + j * item.unit,
                    size,
                    value: value.clone(),
                });
            }
        }
        fields
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::pystruct::layout;

    #[test]
    fn layout_shows_padding_and_pad_items() {
        let l = layout("@c 2x h 0s d").unwrap();
        let rows: Vec<_> = l
            .items
            .iter()
            .map(|i| (i.code, i.offset, i.size, i.padding, i.values))
            .collect();
        assert_eq!(
            rows,
            [
                ('c', 0, 1, 0, 1),
                ('x', 1, 2, 0, 0),
                ('h', 4, 2, 1, 1),
                ('s', 6, 0, 0, 1),
                ('d', 8, 8, 2, 1),
            ]
        );
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["mode"], "native");
        assert_eq!(json["items"][2]["first_value"], 1);
        assert_eq!(json["value_count"], 4);
    }

    #[test]
    fn fields_follow_repeats() {
        let st = Struct::new("<2h3s").unwrap();
        let r = st
            .pack_report(&[1.into(), 2.into(), b"xyz".into()])
            .unwrap();
        let places: Vec<_> = r
            .fields
            .iter()
            .map(|f| (f.index, f.offset, f.size))
            .collect();
        assert_eq!(places, [(0, 0, 2), (1, 2, 2), (2, 4, 3)]);
        let u = st.unpack_report(b"\x01\x00\x02\x00xyz").unwrap();
        assert_eq!(u.fields, r.fields);
        assert_eq!(u.hex, r.hex);
    }
}
