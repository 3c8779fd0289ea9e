/* Shared by the unit tests: asserts that a validation call returns the expected
 * reason code (NULL = accepted), printing both on failure. */
#ifndef NL_TESTS_REASON_H
#define NL_TESTS_REASON_H

#include <string.h>

#define assert_reason(call, want) do { \
	const char *got_ = (call); \
	const char *want_ = (want); \
	if (want_ == NULL ? got_ != NULL : (got_ == NULL || strcmp(got_, want_) != 0)) \
		fail_msg("%s: got %s, want %s", #call, got_ ? got_ : "OK", \
		         want_ ? want_ : "OK"); \
} while (0)

#endif
