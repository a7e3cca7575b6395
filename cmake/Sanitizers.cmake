# Sanitizer and fuzzer builds (README "Sanitizers and fuzzing").
#
#   -DSTORYLINE_SANITIZE=address,undefined   ASan + UBSan (scripts/sanitize.sh: build-asan)
#   -DSTORYLINE_SANITIZE=thread              TSan (scripts/sanitize.sh: build-tsan)
#   -DSTORYLINE_BUILD_FUZZERS=ON             libFuzzer targets in fuzz/ (scripts/fuzz.sh:
#                                            build-fuzz, or build-asan in scripts/test.sh);
#                                            needs CMAKE_CXX_COMPILER=clang++-14
#
# The flags apply to every target of this project (ours and the generated
# protobuf code); the Debian libraries we link are not instrumented. Any
# UBSan finding aborts (-fno-sanitize-recover), so it fails the test.

set(STORYLINE_SANITIZE "" CACHE STRING
    "Sanitizers for every Storyline target: empty, address,undefined, or thread")
set_property(CACHE STORYLINE_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")
option(STORYLINE_BUILD_FUZZERS "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(STORYLINE_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "STORYLINE_BUILD_FUZZERS needs clang (-DCMAKE_CXX_COMPILER=clang++-14)")
  endif()
  if(STORYLINE_SANITIZE AND NOT STORYLINE_SANITIZE MATCHES "^(address,undefined|undefined,address)$")
    message(FATAL_ERROR "STORYLINE_BUILD_FUZZERS brings ASan + UBSan; STORYLINE_SANITIZE may be "
                        "empty or address,undefined, not '${STORYLINE_SANITIZE}'")
  endif()
  # Libraries get coverage instrumentation; fuzz/CMakeLists.txt links the
  # fuzzer executables with -fsanitize=fuzzer (libFuzzer's main). Other
  # executables (the tests of build-asan, which scripts/test.sh also fuzzes
  # in, saving a fourth build) link without it: the sanitizer runtime
  # supplies the coverage callbacks.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
elseif(STORYLINE_SANITIZE)
  if(NOT STORYLINE_SANITIZE MATCHES "^(address,undefined|undefined,address|address|undefined|thread)$")
    message(FATAL_ERROR "STORYLINE_SANITIZE must be address,undefined or thread; "
                        "got '${STORYLINE_SANITIZE}'")
  endif()
  add_compile_options(-fsanitize=${STORYLINE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${STORYLINE_SANITIZE})
endif()

# TSan cannot see the synchronization inside Debian's (uninstrumented)
# Abseil libraries, so in a thread build every executable gets the
# annotating wrappers of tests/sanitizers/absl_sync_tsan.cc, which the linker
# puts between our code and Abseil's Mutex, CondVar, Notification,
# BlockingCounter and Status reference count (see that file). Call after
# every add_subdirectory().
set(STORYLINE_TSAN_WRAPPED_SYMBOLS
  _ZN4absl7debian35Mutex4LockEv
  _ZN4absl7debian35Mutex6UnlockEv
  _ZN4absl7debian35Mutex7TryLockEv
  _ZN4absl7debian35Mutex10ReaderLockEv
  _ZN4absl7debian35Mutex12ReaderUnlockEv
  _ZN4absl7debian35Mutex13ReaderTryLockEv
  _ZN4absl7debian35MutexD1Ev
  _ZN4absl7debian35MutexD2Ev
  _ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE
  _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE
  _ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE
  _ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE
  _ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE
  _ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE
  _ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE
  _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE
  _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE
  _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE
  _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE
  _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE
  _ZN4absl7debian312Notification6NotifyEv
  _ZNK4absl7debian312Notification19WaitForNotificationEv
  _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE
  _ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE
  _ZN4absl7debian315BlockingCounter14DecrementCountEv
  _ZN4absl7debian315BlockingCounter4WaitEv
  _ZN4absl7debian36Status15UnrefNonInlinedEm)

function(_storyline_executables dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  set(found)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE")
      list(APPEND found ${t})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _storyline_executables(${sub} sub_found)
    list(APPEND found ${sub_found})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

function(storyline_annotate_absl_for_tsan)
  if(NOT STORYLINE_SANITIZE STREQUAL "thread")
    return()
  endif()
  add_library(storyline_absl_sync_tsan OBJECT
    ${PROJECT_SOURCE_DIR}/tests/sanitizers/absl_sync_tsan.cc)
  target_link_libraries(storyline_absl_sync_tsan PRIVATE absl::synchronization absl::status
                        storyline_warnings)
  list(TRANSFORM STORYLINE_TSAN_WRAPPED_SYMBOLS PREPEND "LINKER:--wrap=" OUTPUT_VARIABLE wraps)
  _storyline_executables(${PROJECT_SOURCE_DIR} executables)
  foreach(t IN LISTS executables)
    target_sources(${t} PRIVATE $<TARGET_OBJECTS:storyline_absl_sync_tsan>)
    target_link_options(${t} PRIVATE ${wraps})
  endforeach()
endfunction()
