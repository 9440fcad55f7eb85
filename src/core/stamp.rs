//! A clock value stored in 20 bytes.

use crate::Hlc;

/// An [`Hlc`] stored with 4-byte alignment: 20 bytes where `Hlc` takes 24, so that a build
/// ID's two clocks, its links and its state pack into 56 bytes rather than 80. Converts
/// both ways without loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    wall_clock: [u32; 2],
    cluster_id: [u32; 2],
    version: i32,
}

/// An `i64` as its high and low 32 bits.
fn split(value: i64) -> [u32; 2] {
    let bits = value as u64;
    [(bits >> 32) as u32, bits as u32]
}

fn join([high, low]: [u32; 2]) -> i64 {
    ((u64::from(high) << 32) | u64::from(low)) as i64
}

impl From<Hlc> for Stamp {
    fn from(t: Hlc) -> Self {
        Self {
            wall_clock: split(t.wall_clock),
            cluster_id: split(t.cluster_id),
            version: t.version,
        }
    }
}

impl Stamp {
    pub(crate) fn hlc(self) -> Hlc {
        Hlc {
            wall_clock: join(self.wall_clock),
            version: self.version,
            cluster_id: join(self.cluster_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_edge_value() {
        let edges = [
            i64::MIN,
            i64::MIN + 1,
            -1,
            0,
            1,
            1 << 32,
            (1 << 32) - 1,
            i64::MAX,
        ];
        for wall_clock in edges {
            for cluster_id in edges {
                for version in [i32::MIN, -1, 0, 1, i32::MAX] {
                    let t = Hlc {
                        wall_clock,
                        version,
                        cluster_id,
                    };
                    assert_eq!(Stamp::from(t).hlc(), t);
                }
            }
        }
        assert_eq!(std::mem::size_of::<Stamp>(), 20);
    }
}
