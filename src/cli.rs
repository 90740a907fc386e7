//! Command-line flags and the one function per subcommand.

pub fn main() -> i32 {
    0
}
