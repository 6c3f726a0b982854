//! Splitting pending sub-requests into batches of at most 20 that respect `dependsOn`.

use std::collections::{HashMap, HashSet};

use super::{BatchRequest, BatchResponse, MAX_PER_BATCH};

/// Splits pending requests into batches of at most 20, keeping each request in the batch of
/// the dependencies it still waits for; requests that do not fit wait for the next round.
/// Dependencies already finished are dropped from `dependsOn` (or answered with 424 when
/// the dependency failed).
pub(super) fn plan_chunks(
    pending: Vec<BatchRequest>,
    done: &mut HashMap<String, BatchResponse>,
) -> (Vec<Vec<BatchRequest>>, Vec<BatchRequest>) {
    let mut chunks: Vec<Vec<BatchRequest>> = Vec::new();
    let mut deferred = Vec::new();
    let mut placed: HashMap<String, usize> = HashMap::new();
    let pending_ids: HashSet<String> = pending.iter().map(|r| r.id.clone()).collect();
    for mut req in pending {
        if let Some(failed) = req
            .depends_on
            .iter()
            .find(|d| done.get(*d).is_some_and(|r| !r.is_success()))
        {
            let msg = format!("dependency {failed} failed");
            done.insert(
                req.id.clone(),
                BatchResponse::synthetic(&req.id, 424, "FailedDependency", &msg),
            );
            continue;
        }
        req.depends_on.retain(|d| pending_ids.contains(d));
        let homes: HashSet<Option<usize>> = req
            .depends_on
            .iter()
            .map(|d| placed.get(d).copied())
            .collect();
        let target = match homes.len() {
            0 => match chunks.last() {
                Some(c) if c.len() < MAX_PER_BATCH => Some(chunks.len() - 1),
                _ => None,
            },
            1 => match homes.into_iter().next().flatten() {
                Some(i) if chunks[i].len() < MAX_PER_BATCH => Some(i),
                _ => {
                    deferred.push(req);
                    continue;
                }
            },
            _ => {
                deferred.push(req);
                continue;
            }
        };
        let idx = target.unwrap_or_else(|| {
            chunks.push(Vec::new());
            chunks.len() - 1
        });
        placed.insert(req.id.clone(), idx);
        chunks[idx].push(req);
    }
    (chunks, deferred)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_five_requests_make_three_batches() {
        let reqs: Vec<_> = (0..45)
            .map(|i| BatchRequest::get(i.to_string(), "/users"))
            .collect();
        let mut done = HashMap::new();
        let (chunks, deferred) = plan_chunks(reqs, &mut done);
        let sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![20, 20, 5]);
        assert!(deferred.is_empty());
    }

    #[test]
    fn dependents_stay_with_their_dependency_or_wait() {
        let mut reqs: Vec<_> = (0..20)
            .map(|i| BatchRequest::get(i.to_string(), "/x"))
            .collect();
        let mut dep = BatchRequest::get("dep", "/y");
        dep.depends_on = vec!["3".to_owned()];
        reqs.push(dep);
        let mut done = HashMap::new();
        let (chunks, deferred) = plan_chunks(reqs, &mut done);
        assert_eq!(chunks.len(), 1);
        assert_eq!(
            deferred.len(),
            1,
            "batch 0 is full, so the dependent waits a round"
        );
    }

    #[test]
    fn dependent_of_failed_request_gets_424() {
        let mut done = HashMap::new();
        done.insert(
            "a".to_owned(),
            BatchResponse::synthetic("a", 404, "NotFound", "x"),
        );
        let mut dep = BatchRequest::get("b", "/y");
        dep.depends_on = vec!["a".to_owned()];
        let (chunks, _) = plan_chunks(vec![dep], &mut done);
        assert!(chunks.is_empty());
        assert_eq!(done["b"].status, 424);
    }
}
