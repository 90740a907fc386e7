mod arena;

#[global_allocator]
static ALLOCATOR: arena::Arena = arena::Arena;

fn main() {
    arena::start();
    std::process::exit(gloo_chart::cli::main());
}
