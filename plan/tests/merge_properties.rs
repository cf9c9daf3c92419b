//! Property: two replicas that edit a plan independently and then merge in
//! either direction read the same plan.

mod common;

use cairn_plan::PlanDocument;
use common::{apply, edit};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn forks_converge_after_merging_both_ways(
        shared in proptest::collection::vec(edit(), 0..8),
        left_edits in proptest::collection::vec(edit(), 0..12),
        right_edits in proptest::collection::vec(edit(), 0..12),
    ) {
        let mut left = PlanDocument::create();
        for step in &shared {
            apply(&mut left, step);
        }
        let mut right = left.fork();

        for step in &left_edits {
            apply(&mut left, step);
        }
        for step in &right_edits {
            apply(&mut right, step);
        }

        left.merge(&mut right).unwrap();
        right.merge(&mut left).unwrap();

        prop_assert_eq!(left.snapshot(), right.snapshot());
    }
}
