fn main() {
    std::process::exit(fwlint::cli::main());
}
