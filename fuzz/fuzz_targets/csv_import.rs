//! Imports arbitrary bytes as a spreadsheet CSV export. The importer must
//! never panic, and the CSV export of a plan it read must import again.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(imported) = cairn_plan::import_csv(input) else {
        return;
    };

    let plan = imported.document.snapshot();
    let exported = cairn_plan::export_csv(&plan);
    if let Err(error) = cairn_plan::import_csv(exported.as_bytes()) {
        panic!("the export of an imported plan does not import: {error}\n{exported}");
    }
});
