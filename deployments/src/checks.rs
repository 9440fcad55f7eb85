//! The server's checks of a deployment name or build ID (specification.md section 0.1).

use crate::error::Error;
use crate::ids::Field;

/// `worker_versioning.go:ValidateDeploymentVersionFields` for one field, in order: empty,
/// too long (`(max_id_length - 39) / 2` bytes), a deployment name with `.` or `:`, and a
/// leading `__`.
pub(crate) fn validate_field(field: Field, value: &str, max_id_length: usize) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::FieldEmpty { field });
    }
    if value.len() > max_id_length.saturating_sub(39) / 2 {
        return Err(Error::FieldTooLong { field });
    }
    if field == Field::DeploymentName {
        if value.contains('.') {
            return Err(Error::NameContainsDot);
        }
        if value.contains(':') {
            return Err(Error::NameContainsColon);
        }
    }
    if value.starts_with("__") {
        return Err(Error::FieldStartsWithUnderscores { field });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_checks_run_in_the_servers_order() {
        let n = Field::DeploymentName;
        let check = |f, v: &str| validate_field(f, v, 1000).map_err(|e| e.to_string());
        assert_eq!(
            check(n, ""),
            Err("WorkerDeploymentName cannot be empty".into())
        );
        assert_eq!(
            check(n, &"x".repeat(481)),
            Err("size of WorkerDeploymentName larger than the maximum allowed".into())
        );
        assert_eq!(check(n, &"x".repeat(480)), Ok(()));
        assert_eq!(
            check(n, "__a.b"),
            Err("worker deployment name cannot contain '.'".into())
        );
        assert_eq!(
            check(n, "a:b"),
            Err("worker deployment name cannot contain ':'".into())
        );
        assert_eq!(
            check(n, "__a"),
            Err("WorkerDeploymentName cannot start with '__'".into())
        );
        assert_eq!(check(Field::BuildId, "b.1:2"), Ok(()));
        assert_eq!(
            check(Field::BuildId, "__b"),
            Err("BuildID cannot start with '__'".into())
        );
        assert_eq!(
            check(Field::BuildId, ""),
            Err("BuildID cannot be empty".into())
        );
    }
}
