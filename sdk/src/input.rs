//! Client-side input checks that the generated methods call with the spec's own constraints:
//! a bad value is an error naming its field before anything is sent.

use crate::error::Error;

/// An integer schema's bounds (`minimum`/`maximum`, inclusive) and `enum` values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) min: Option<i128>,
    pub(crate) max: Option<i128>,
    pub(crate) one_of: &'static [i128],
}

impl Bounds {
    fn admit(&self, value: i128) -> bool {
        self.min.is_none_or(|min| value >= min)
            && self.max.is_none_or(|max| value <= max)
            && (self.one_of.is_empty() || self.one_of.contains(&value))
    }
}

/// A string through the generated type's own check (pattern, lengths, enum); `rule` says what
/// the spec requires.
pub(crate) fn text<'a, T>(
    field: &'static str,
    rule: &'static str,
    value: &'a str,
) -> Result<T, Error>
where
    T: TryFrom<&'a str>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    T::try_from(value).map_err(|e| Error::invalid_input_caused_by(field, rule, e))
}

/// An integer checked against `bounds`, then converted to the wire type.
pub(crate) fn integer<P, T>(
    field: &'static str,
    rule: &'static str,
    value: P,
    bounds: Bounds,
) -> Result<T, Error>
where
    P: Copy + Into<i128>,
    T: TryFrom<P>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    if !bounds.admit(value.into()) {
        return Err(Error::invalid_input(field, rule));
    }
    T::try_from(value).map_err(|e| Error::invalid_input_caused_by(field, rule, e))
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    const STARS: Bounds = Bounds {
        min: Some(50),
        max: Some(10_000),
        one_of: &[],
    };

    #[test]
    fn integers_are_checked_against_their_bounds_and_type() {
        let ok: i32 = integer("quantity", "must be between 50 and 10000", 50u32, STARS).unwrap();
        assert_eq!(ok, 50);
        for bad in [49u32, 10_001, u32::MAX] {
            let err = integer::<u32, i32>("quantity", "must be between 50 and 10000", bad, STARS)
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "invalid quantity: must be between 50 and 10000"
            );
        }
        let months = Bounds {
            min: None,
            max: None,
            one_of: &[3, 6, 12],
        };
        assert!(integer::<u32, i32>("months", "must be one of 3, 6, 12", 6, months).is_ok());
        assert!(integer::<u32, i32>("months", "must be one of 3, 6, 12", 4, months).is_err());
        // No bound in the spec, but the wire type cannot hold it: the conversion's error is kept.
        let open = Bounds {
            min: None,
            max: None,
            one_of: &[],
        };
        let err = integer::<u64, i64>("offset", "is out of range", u64::MAX, open).unwrap_err();
        assert!(std::error::Error::source(&err).is_some());
        assert!(integer::<u32, NonZeroU32>("limit", "must be at least 1", 0, open).is_err());
    }
}
