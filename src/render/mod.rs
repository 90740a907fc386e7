//! Rendering typed values into manifests with the minijinja templates under `templates/`.
