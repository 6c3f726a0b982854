//! The attributes added to a job's directories (those its synchronization template does
//! not define) → the manifest's `targetAttributes` / `sourceAttributes`.

use crate::manifest::{AttributeDefinition, AttributeList, AttributeType, NamedMap};
use crate::plan::model::{AttributeDef, ObjectMapping, Side};
use crate::plan::state::ObservedState;

/// The added attributes of one side of a live object mapping, `None` when there are none
/// (or the template's schema could not be read to tell them apart).
pub(crate) fn added(
    o: &ObservedState,
    m: &ObjectMapping,
    side: Side,
    warnings: &mut Vec<String>,
) -> Option<AttributeList> {
    let list = o.attribute_lists.iter().find(|l| {
        l.side == side && l.source_object == m.source_object && l.target_object == m.target_object
    })?;
    let mut definitions = NamedMap::default();
    for name in list.added.iter().flatten() {
        let Some(d) = list.attributes.get(name) else {
            continue;
        };
        match definition(d) {
            Some(def) => definitions.insert(name.clone(), def),
            None => warnings.push(format!(
                "the {side} attribute {name} (type {}) is not in the manifest: entraprov does \
                 not know its type",
                d.kind
            )),
        }
    }
    (!definitions.is_empty()).then_some(AttributeList {
        prune: false,
        definitions,
    })
}

fn definition(d: &AttributeDef) -> Option<AttributeDefinition> {
    Some(AttributeDefinition {
        kind: AttributeType::from_graph(&d.kind)?,
        multivalued: d.multivalued,
        required: d.required,
        case_exact: d.case_exact,
        referenced_objects: d.referenced_objects.clone(),
        api_expression: d.api_expression.clone(),
    })
}
