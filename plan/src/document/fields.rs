//! Typed reads and minimal writes of single fields in the Automerge
//! document.
//!
//! Reads tolerate a missing or wrongly typed value, which a peer on another
//! version may have written, and return the field's default. Writes compare
//! with what the document contains and change only what differs: text through
//! a minimal splice, scalars only when their value changed, and link sets by
//! adding and removing single ids. Edits to different fields, or different
//! parts of one text, by two replicas at once therefore both survive a merge.

use std::str::FromStr;

use automerge::transaction::{Transactable, Transaction};
use automerge::{AutomergeError, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::document::Collection;
use crate::ids::EntityId;

/// The date format stored in the document.
pub(crate) const DATE_FORMAT: &str = "%Y-%m-%d";

/// One field's value in the form it is stored.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FieldValue {
    /// Prose, stored as an Automerge `Text` object.
    Text(String),
    /// A string scalar; `None` removes the key.
    Str(Option<String>),
    /// A number; `None` removes the key.
    F64(Option<f64>),
    Bool(bool),
    /// The id of one entity in another collection, stored as a string.
    Ref(Collection, EntityId),
    /// A set of ids in another collection, stored as a map from id to `true`.
    Links(Collection, Vec<EntityId>),
    /// A name for each of some ids in another collection, stored as a map
    /// from id to the name, such as the status a check-in gave each action.
    Labels(Collection, Vec<(EntityId, String)>),
}

impl FieldValue {
    pub(crate) fn date(date: Option<NaiveDate>) -> Self {
        Self::Str(date.map(|date| date.format(DATE_FORMAT).to_string()))
    }

    pub(crate) fn decimal(amount: Option<Decimal>) -> Self {
        Self::Str(amount.map(|amount| amount.to_string()))
    }

    pub(crate) fn name(name: &str) -> Self {
        Self::Str(Some(name.to_owned()))
    }
}

/// Typed reads of the fields of one map object.
pub(crate) struct FieldReader<'a, D: ReadDoc> {
    doc: &'a D,
    obj: ObjId,
}

impl<'a, D: ReadDoc> FieldReader<'a, D> {
    pub(crate) fn new(doc: &'a D, obj: ObjId) -> Self {
        Self { doc, obj }
    }

    fn value(&self, key: &str) -> Option<(Value<'a>, ObjId)> {
        self.doc.get(&self.obj, key).ok().flatten()
    }

    fn scalar(&self, key: &str) -> Option<ScalarValue> {
        match self.value(key)? {
            (Value::Scalar(scalar), _) => Some(scalar.into_owned()),
            (Value::Object(_), _) => None,
        }
    }

    /// Reads a prose field, whether stored as `Text` or as a plain string.
    pub(crate) fn text(&self, key: &str) -> String {
        match self.value(key) {
            Some((Value::Object(ObjType::Text), text)) => self.doc.text(&text).unwrap_or_default(),
            Some((Value::Scalar(scalar), _)) => match scalar.as_ref() {
                ScalarValue::Str(text) => text.to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    pub(crate) fn string(&self, key: &str) -> Option<String> {
        match self.scalar(key)? {
            ScalarValue::Str(text) => Some(text.to_string()),
            _ => None,
        }
    }

    /// Reads a string field and parses it, or `None` if it does not parse.
    pub(crate) fn parsed<T: FromStr>(&self, key: &str) -> Option<T> {
        self.string(key)?.parse().ok()
    }

    pub(crate) fn date(&self, key: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.string(key)?, DATE_FORMAT).ok()
    }

    /// Reads a number, also accepting integers that another writer stored.
    pub(crate) fn f64(&self, key: &str) -> Option<f64> {
        match self.scalar(key)? {
            ScalarValue::F64(value) => Some(value),
            ScalarValue::Int(value) => Some(value as f64),
            ScalarValue::Uint(value) => Some(value as f64),
            _ => None,
        }
    }

    pub(crate) fn bool(&self, key: &str) -> bool {
        matches!(self.scalar(key), Some(ScalarValue::Boolean(true)))
    }

    /// Reads a label map: each key that is an id, with its string value.
    pub(crate) fn labels(&self, key: &str) -> Vec<(EntityId, String)> {
        let Some((Value::Object(ObjType::Map), labels)) = self.value(key) else {
            return Vec::new();
        };
        self.doc
            .keys(&labels)
            .filter_map(|stored| {
                let id = stored.parse().ok()?;
                match self.doc.get(&labels, stored.as_str()).ok()?? {
                    (Value::Scalar(scalar), _) => match scalar.as_ref() {
                        ScalarValue::Str(label) => Some((id, label.to_string())),
                        _ => None,
                    },
                    _ => None,
                }
            })
            .collect()
    }

    /// Reads a link set: the keys whose value is `true`, in id order.
    pub(crate) fn links(&self, key: &str) -> Vec<EntityId> {
        match self.value(key) {
            Some((Value::Object(ObjType::Map), links)) => linked_ids(self.doc, &links),
            _ => Vec::new(),
        }
    }
}

fn linked_ids<D: ReadDoc>(doc: &D, links: &ObjId) -> Vec<EntityId> {
    doc.keys(links)
        .filter(|key| {
            matches!(
                doc.get(links, key.as_str()),
                Ok(Some((Value::Scalar(scalar), _))) if scalar.as_ref() == &ScalarValue::Boolean(true)
            )
        })
        .filter_map(|key| key.parse().ok())
        .collect()
}

/// Writes a field of a new entity: prose and link fields always get their
/// object, even when empty, so later edits from every replica land in the
/// same object.
pub(crate) fn create_field(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    value: &FieldValue,
) -> Result<(), AutomergeError> {
    match value {
        FieldValue::Text(text) => {
            let text_obj = tx.put_object(obj, key, ObjType::Text)?;
            tx.splice_text(&text_obj, 0, 0, text)
        }
        FieldValue::Links(_, ids) => {
            let links = tx.put_object(obj, key, ObjType::Map)?;
            for id in ids {
                tx.put(&links, id.as_str(), true)?;
            }
            Ok(())
        }
        FieldValue::Labels(_, labels) => {
            let map = tx.put_object(obj, key, ObjType::Map)?;
            for (id, label) in labels {
                tx.put(&map, id.as_str(), label.as_str())?;
            }
            Ok(())
        }
        _ => write_field(tx, obj, key, value),
    }
}

/// Writes a field only where it differs from the document.
pub(crate) fn write_field(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    value: &FieldValue,
) -> Result<(), AutomergeError> {
    let current = tx.get(obj, key)?.map(|(value, id)| (value.to_owned(), id));

    match value {
        FieldValue::Text(text) => write_text(tx, obj, key, current, text),
        FieldValue::Str(None) | FieldValue::F64(None) => {
            if current.is_some() {
                tx.delete(obj, key)?;
            }
            Ok(())
        }
        FieldValue::Str(Some(text)) => put_if_changed(tx, obj, key, current, text.as_str().into()),
        FieldValue::F64(Some(number)) => put_if_changed(tx, obj, key, current, (*number).into()),
        FieldValue::Bool(flag) => put_if_changed(tx, obj, key, current, (*flag).into()),
        FieldValue::Ref(_, id) => put_if_changed(tx, obj, key, current, id.as_str().into()),
        FieldValue::Links(_, ids) => write_links(tx, obj, key, current, ids),
        FieldValue::Labels(_, labels) => write_labels(tx, obj, key, current, labels),
    }
}

fn write_text(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    current: Option<(Value<'static>, ObjId)>,
    text: &str,
) -> Result<(), AutomergeError> {
    if let Some((Value::Object(ObjType::Text), text_obj)) = current {
        if tx.text(&text_obj)? != text {
            tx.update_text(&text_obj, text)?;
        }
        return Ok(());
    }

    // The field is missing or was stored as another type by a peer on
    // another version, so replace it with a Text object.
    let text_obj = tx.put_object(obj, key, ObjType::Text)?;
    tx.splice_text(&text_obj, 0, 0, text)
}

fn put_if_changed(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    current: Option<(Value<'static>, ObjId)>,
    value: ScalarValue,
) -> Result<(), AutomergeError> {
    let unchanged =
        matches!(&current, Some((Value::Scalar(scalar), _)) if scalar.as_ref() == &value);
    if !unchanged {
        tx.put(obj, key, value)?;
    }
    Ok(())
}

fn write_links(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    current: Option<(Value<'static>, ObjId)>,
    ids: &[EntityId],
) -> Result<(), AutomergeError> {
    let links = match current {
        Some((Value::Object(ObjType::Map), links)) => links,
        _ => tx.put_object(obj, key, ObjType::Map)?,
    };

    let present = linked_ids(tx, &links);
    let stale: Vec<String> = tx
        .keys(&links)
        .filter(|stored| !ids.iter().any(|id| id.as_str() == stored))
        .collect();
    for stored in stale {
        tx.delete(&links, stored.as_str())?;
    }

    for id in ids {
        if !present.contains(id) {
            tx.put(&links, id.as_str(), true)?;
        }
    }
    Ok(())
}

fn write_labels(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    current: Option<(Value<'static>, ObjId)>,
    labels: &[(EntityId, String)],
) -> Result<(), AutomergeError> {
    let map = match current {
        Some((Value::Object(ObjType::Map), map)) => map,
        _ => tx.put_object(obj, key, ObjType::Map)?,
    };

    let stale: Vec<String> = tx
        .keys(&map)
        .filter(|stored| !labels.iter().any(|(id, _)| id.as_str() == stored))
        .collect();
    for stored in stale {
        tx.delete(&map, stored.as_str())?;
    }

    for (id, label) in labels {
        let current = tx
            .get(&map, id.as_str())?
            .map(|(value, id)| (value.to_owned(), id));
        put_if_changed(tx, &map, id.as_str(), current, label.as_str().into())?;
    }
    Ok(())
}

/// Puts one entry into a link set or a label map, creating the map if it
/// is missing. Writes nothing when the entry already has `value`.
pub(crate) fn put_entry(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    id: &EntityId,
    value: ScalarValue,
) -> Result<(), AutomergeError> {
    let map = match tx.get(obj, key)? {
        Some((Value::Object(ObjType::Map), map)) => map,
        _ => tx.put_object(obj, key, ObjType::Map)?,
    };

    let current = tx
        .get(&map, id.as_str())?
        .map(|(value, id)| (value.to_owned(), id));
    put_if_changed(tx, &map, id.as_str(), current, value)
}

/// Removes one id from a link set or a label map, if it is there.
pub(crate) fn unlink(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    key: &str,
    id: &EntityId,
) -> Result<(), AutomergeError> {
    if let Some((Value::Object(ObjType::Map), links)) = tx.get(obj, key)? {
        if tx.get(&links, id.as_str())?.is_some() {
            tx.delete(&links, id.as_str())?;
        }
    }
    Ok(())
}
