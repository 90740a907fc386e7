fn main() {
    std::process::exit(gloo_chart::cli::main());
}
