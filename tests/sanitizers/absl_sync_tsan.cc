// ThreadSanitizer annotations for Debian's (uninstrumented) Abseil
// synchronization library, linked only into -fsanitize=thread builds
// (STORYLINE_SANITIZE=thread; cmake/Sanitizers.cmake adds it to every
// executable and passes the linker the --wrap list of the symbols below).
//
// Why: absl::Mutex, Notification and BlockingCounter are implemented in
// libabsl_synchronization.so with atomics and futexes. Debian builds it
// without TSan, so TSan sees none of its happens-before edges and would
// report every ABSL_GUARDED_BY member our code shares between threads as a
// race. An instrumented Abseil is not packaged, so instead the linker wraps
// (-Wl,--wrap=SYMBOL) each entry point our code calls and these wrappers
// tell TSan what Abseil's own TSan build would have told it: the same
// __tsan_mutex_* calls absl/synchronization/mutex.cc makes, plus
// acquire/release edges for Notification and BlockingCounter.
//
// Conditions (Await, LockWhen, ...) need nothing more: Abseil evaluates
// them inside the real call, which the wrappers bracket with
// __tsan_mutex_pre_*/post_* annotations, so TSan ignores their memory
// accesses, as Abseil's own TSan build does when the unlocking thread
// evaluates a waiter's condition (EvalConditionIgnored in mutex.cc: a
// waiter enqueues its condition without holding the mutex, so checking
// those reads would only produce false reports). The guarded state the
// conditions read is still checked everywhere else it is touched.
//
// absl::Status is wrapped too: copies share a heap rep whose atomic count
// is decremented, and the rep deleted, in libabsl_status.so, so TSan saw a
// thread drop the last copy (a delete) "racing" with another thread's
// earlier read of its own copy's message. The wrapper runs the same code
// (absl 20220623's Status::UnrefNonInlined, checked against the Debian
// binary) instrumented, so the acq_rel decrement orders them.
//
// Limits: Await/CondVar::Wait assume the mutex is held exclusively (our
// code never awaits under a reader lock); Notification::HasBeenNotified()
// polling is not covered (only the Wait* calls are), and our code does not
// poll it.
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "absl/status/internal/status_internal.h"
#include "absl/status/status.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#if !defined(__SANITIZE_THREAD__) && defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define __SANITIZE_THREAD__ 1
#endif
#endif
#ifndef __SANITIZE_THREAD__
#error "absl_sync_tsan.cc is only for -fsanitize=thread builds"
#endif

namespace {

using absl::BlockingCounter;
using absl::Condition;
using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Notification;
using absl::Time;

void AfterLock(Mutex* mu, unsigned flags, bool locked) {
  __tsan_mutex_post_lock(mu, flags | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
}

void BeforeUnlock(Mutex* mu, unsigned flags) { __tsan_mutex_pre_unlock(mu, flags); }

}  // namespace

// Each __wrap_X receives the calls our objects make to X; __real_X is the
// Debian implementation. Member functions take `this` first (Itanium ABI).
extern "C" {

// ---- Mutex: lock and unlock -------------------------------------------------
void __real__ZN4absl7debian35Mutex4LockEv(Mutex*);
void __wrap__ZN4absl7debian35Mutex4LockEv(Mutex* mu) {
  __tsan_mutex_pre_lock(mu, 0);
  __real__ZN4absl7debian35Mutex4LockEv(mu);
  AfterLock(mu, 0, true);
}

void __real__ZN4absl7debian35Mutex10ReaderLockEv(Mutex*);
void __wrap__ZN4absl7debian35Mutex10ReaderLockEv(Mutex* mu) {
  __tsan_mutex_pre_lock(mu, __tsan_mutex_read_lock);
  __real__ZN4absl7debian35Mutex10ReaderLockEv(mu);
  AfterLock(mu, __tsan_mutex_read_lock, true);
}

bool __real__ZN4absl7debian35Mutex7TryLockEv(Mutex*);
bool __wrap__ZN4absl7debian35Mutex7TryLockEv(Mutex* mu) {
  __tsan_mutex_pre_lock(mu, __tsan_mutex_try_lock);
  const bool locked = __real__ZN4absl7debian35Mutex7TryLockEv(mu);
  AfterLock(mu, __tsan_mutex_try_lock, locked);
  return locked;
}

bool __real__ZN4absl7debian35Mutex13ReaderTryLockEv(Mutex*);
bool __wrap__ZN4absl7debian35Mutex13ReaderTryLockEv(Mutex* mu) {
  const unsigned flags = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(mu, flags);
  const bool locked = __real__ZN4absl7debian35Mutex13ReaderTryLockEv(mu);
  AfterLock(mu, flags, locked);
  return locked;
}

void __real__ZN4absl7debian35Mutex6UnlockEv(Mutex*);
void __wrap__ZN4absl7debian35Mutex6UnlockEv(Mutex* mu) {
  BeforeUnlock(mu, 0);
  __real__ZN4absl7debian35Mutex6UnlockEv(mu);
  __tsan_mutex_post_unlock(mu, 0);
}

void __real__ZN4absl7debian35Mutex12ReaderUnlockEv(Mutex*);
void __wrap__ZN4absl7debian35Mutex12ReaderUnlockEv(Mutex* mu) {
  BeforeUnlock(mu, __tsan_mutex_read_lock);
  __real__ZN4absl7debian35Mutex12ReaderUnlockEv(mu);
  __tsan_mutex_post_unlock(mu, __tsan_mutex_read_lock);
}

void __real__ZN4absl7debian35MutexD1Ev(Mutex*);
void __wrap__ZN4absl7debian35MutexD1Ev(Mutex* mu) {
  __tsan_mutex_destroy(mu, 0);
  __real__ZN4absl7debian35MutexD1Ev(mu);
}
void __real__ZN4absl7debian35MutexD2Ev(Mutex*);
void __wrap__ZN4absl7debian35MutexD2Ev(Mutex* mu) {
  __tsan_mutex_destroy(mu, 0);
  __real__ZN4absl7debian35MutexD2Ev(mu);
}

}  // extern "C"

// ---- Mutex: conditions --------------------------------------------------------
// LockWhen and friends lock; Await and friends (called with the mutex held)
// unlock and lock again inside. Either may evaluate the condition on this
// or another thread.
namespace {

template <typename Real, typename... Args>
auto LockWhen(Real real, Mutex* mu, unsigned flags, const Condition& cond, Args... args) {
  __tsan_mutex_pre_lock(mu, flags);
  if constexpr (std::is_void_v<decltype(real(mu, cond, args...))>) {
    real(mu, cond, args...);
    AfterLock(mu, flags, true);
  } else {
    auto result = real(mu, cond, args...);
    AfterLock(mu, flags, true);  // the *WithTimeout forms lock either way
    return result;
  }
}

template <typename Real, typename... Args>
bool Await(Real real, Mutex* mu, const Condition& cond, Args... args) {
  BeforeUnlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  return LockWhen(real, mu, 0, cond, args...);
}

// CondVar waits: unlock, wait, lock again.
template <typename Real, typename... Args>
auto CondVarWait(Real real, CondVar* cv, Mutex* mu, Args... args) {
  BeforeUnlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  if constexpr (std::is_void_v<decltype(real(cv, mu, args...))>) {
    real(cv, mu, args...);
    AfterLock(mu, 0, true);
  } else {
    auto result = real(cv, mu, args...);
    AfterLock(mu, 0, true);
    return result;
  }
}

}  // namespace

extern "C" {

// Each declares __real_X (the Debian implementation) and defines __wrap_X.
// Keep the symbols in step with STORYLINE_TSAN_WRAPPED_SYMBOLS in
// cmake/Sanitizers.cmake.
#define STORYLINE_WRAP_LOCK_WHEN(sym, flags, Ret, ...)                               \
  Ret __real_##sym(Mutex*, const Condition& __VA_OPT__(, __VA_ARGS__));              \
  Ret __wrap_##sym(Mutex* mu, const Condition& cond __VA_OPT__(, __VA_ARGS__ arg)) { \
    return LockWhen(&__real_##sym, mu, flags, cond __VA_OPT__(, arg));               \
  }
#define STORYLINE_WRAP_AWAIT(sym, ...)                                                \
  bool __real_##sym(Mutex*, const Condition& __VA_OPT__(, __VA_ARGS__));              \
  bool __wrap_##sym(Mutex* mu, const Condition& cond __VA_OPT__(, __VA_ARGS__ arg)) { \
    return Await(&__real_##sym, mu, cond __VA_OPT__(, arg));                          \
  }
#define STORYLINE_WRAP_CONDVAR_WAIT(sym, Ret, ...)                         \
  Ret __real_##sym(CondVar*, Mutex* __VA_OPT__(, __VA_ARGS__));            \
  Ret __wrap_##sym(CondVar* cv, Mutex* mu __VA_OPT__(, __VA_ARGS__ arg)) { \
    return CondVarWait(&__real_##sym, cv, mu __VA_OPT__(, arg));           \
  }

STORYLINE_WRAP_LOCK_WHEN(_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE, 0, void)
STORYLINE_WRAP_LOCK_WHEN(
    _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE, 0, bool, Duration)
STORYLINE_WRAP_LOCK_WHEN(_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE,
                         0, bool, Time)
STORYLINE_WRAP_LOCK_WHEN(_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE,
                         __tsan_mutex_read_lock, void)
STORYLINE_WRAP_LOCK_WHEN(
    _ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE,
    __tsan_mutex_read_lock, bool, Duration)
STORYLINE_WRAP_LOCK_WHEN(
    _ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE,
    __tsan_mutex_read_lock, bool, Time)

void __real__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(Mutex*, const Condition&);
void __wrap__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(Mutex* mu, const Condition& cond) {
  Await(
      +[](Mutex* m, const Condition& c) {
        __real__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(m, c);
        return true;
      },
      mu, cond);
}
STORYLINE_WRAP_AWAIT(_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE,
                     Duration)
STORYLINE_WRAP_AWAIT(_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE, Time)

STORYLINE_WRAP_CONDVAR_WAIT(_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE, void)
STORYLINE_WRAP_CONDVAR_WAIT(_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE,
                            bool, Duration)
STORYLINE_WRAP_CONDVAR_WAIT(_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE, bool,
                            Time)

// ---- Notification and BlockingCounter: release before, acquire after --------
void __real__ZN4absl7debian312Notification6NotifyEv(Notification*);
void __wrap__ZN4absl7debian312Notification6NotifyEv(Notification* n) {
  __tsan_release(n);
  __real__ZN4absl7debian312Notification6NotifyEv(n);
}
void __real__ZNK4absl7debian312Notification19WaitForNotificationEv(const Notification*);
void __wrap__ZNK4absl7debian312Notification19WaitForNotificationEv(const Notification* n) {
  __real__ZNK4absl7debian312Notification19WaitForNotificationEv(n);
  __tsan_acquire(const_cast<Notification*>(n));
}
bool __real__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
    const Notification*, Duration);
bool __wrap__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
    const Notification* n, Duration timeout) {
  const bool notified =
      __real__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
          n, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(n));
  return notified;
}
bool __real__ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE(
    const Notification*, Time);
bool __wrap__ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE(
    const Notification* n, Time deadline) {
  const bool notified =
      __real__ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE(n,
                                                                                         deadline);
  if (notified) __tsan_acquire(const_cast<Notification*>(n));
  return notified;
}

bool __real__ZN4absl7debian315BlockingCounter14DecrementCountEv(BlockingCounter*);
bool __wrap__ZN4absl7debian315BlockingCounter14DecrementCountEv(BlockingCounter* b) {
  __tsan_release(b);
  return __real__ZN4absl7debian315BlockingCounter14DecrementCountEv(b);
}
void __real__ZN4absl7debian315BlockingCounter4WaitEv(BlockingCounter*);
void __wrap__ZN4absl7debian315BlockingCounter4WaitEv(BlockingCounter* b) {
  __real__ZN4absl7debian315BlockingCounter4WaitEv(b);
  __tsan_acquire(b);
}

// ---- absl::Status: the shared rep's last reference --------------------------
// Replaces (does not call) the Debian implementation, which is
//   if (r->ref.load(acquire) == 1 || r->ref.fetch_sub(1, acq_rel) - 1 == 0) delete r;
void __wrap__ZN4absl7debian36Status15UnrefNonInlinedEm(uintptr_t rep) {
  auto* r = reinterpret_cast<absl::status_internal::StatusRep*>(rep - 1);
  if (r->ref.load(std::memory_order_acquire) == 1 ||
      r->ref.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) {
    delete r;
  }
}

}  // extern "C"
