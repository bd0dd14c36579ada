"""Pure domain rules — no AWS, no environment: identifiers (USCC / 注册号), workdays (工作日),
periods (时限 and publication periods), validation (one record against its catalog category),
masking (the public copy), samples (valid demo records)."""
