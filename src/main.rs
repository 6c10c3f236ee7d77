use std::process::ExitCode;

fn main() -> ExitCode {
    claimdb::cli::run()
}
