// The main() of every GoogleTest binary here: gmock's own, with one change
// to how results print. GoogleTest reports each test of a suite whose
// SetUpTestSuite failed as "[  SKIPPED ]", and ctest (gtest_discover_tests
// sets SKIP_REGULAR_EXPRESSION to that text) then counted the test as
// skipped although the binary exits 1: a broken set-up passed unseen. Here
// those tests print as FAILED, so ctest fails them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

namespace {

using ::testing::TestEventListener;
using ::testing::TestInfo;
using ::testing::TestPartResult;
using ::testing::TestSuite;
using ::testing::UnitTest;

// Forwards every event to GoogleTest's own printer, except the end of a
// test its suite's failed set-up skipped, and the summary after one.
class SetUpFailurePrinter : public TestEventListener {
 public:
  explicit SetUpFailurePrinter(TestEventListener* inner) : inner_(inner) {}

  void OnTestEnd(const TestInfo& test) override {
    const TestSuite* suite = UnitTest::GetInstance()->current_test_suite();
    if (test.result()->Skipped() && suite != nullptr && suite->ad_hoc_test_result().Failed()) {
      std::printf("[  FAILED  ] %s.%s (the suite's SetUpTestSuite failed; see above)\n",
                  test.test_suite_name(), test.name());
      std::fflush(stdout);
      set_up_failed_ = true;
      return;
    }
    inner_->OnTestEnd(test);
  }
  void OnTestIterationEnd(const UnitTest& unit_test, int iteration) override {
    if (!set_up_failed_) return inner_->OnTestIterationEnd(unit_test, iteration);
    std::printf("[  FAILED  ] %d of %d tests failed, some because a suite's set-up failed\n",
                unit_test.failed_test_count() + unit_test.skipped_test_count(),
                unit_test.test_to_run_count());
    std::fflush(stdout);
  }

  void OnTestProgramStart(const UnitTest& u) override { inner_->OnTestProgramStart(u); }
  void OnTestIterationStart(const UnitTest& u, int i) override {
    inner_->OnTestIterationStart(u, i);
  }
  void OnEnvironmentsSetUpStart(const UnitTest& u) override { inner_->OnEnvironmentsSetUpStart(u); }
  void OnEnvironmentsSetUpEnd(const UnitTest& u) override { inner_->OnEnvironmentsSetUpEnd(u); }
  void OnTestSuiteStart(const TestSuite& s) override { inner_->OnTestSuiteStart(s); }
  void OnTestCaseStart(const TestSuite& s) override { inner_->OnTestCaseStart(s); }
  void OnTestStart(const TestInfo& t) override { inner_->OnTestStart(t); }
  void OnTestDisabled(const TestInfo& t) override { inner_->OnTestDisabled(t); }
  void OnTestPartResult(const TestPartResult& r) override { inner_->OnTestPartResult(r); }
  void OnTestSuiteEnd(const TestSuite& s) override { inner_->OnTestSuiteEnd(s); }
  void OnTestCaseEnd(const TestSuite& s) override { inner_->OnTestCaseEnd(s); }
  void OnEnvironmentsTearDownStart(const UnitTest& u) override {
    inner_->OnEnvironmentsTearDownStart(u);
  }
  void OnEnvironmentsTearDownEnd(const UnitTest& u) override {
    inner_->OnEnvironmentsTearDownEnd(u);
  }
  void OnTestProgramEnd(const UnitTest& u) override { inner_->OnTestProgramEnd(u); }

 private:
  std::unique_ptr<TestEventListener> inner_;
  bool set_up_failed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  ::testing::TestEventListeners& listeners = UnitTest::GetInstance()->listeners();
  if (TestEventListener* printer = listeners.Release(listeners.default_result_printer())) {
    listeners.Append(new SetUpFailurePrinter(printer));
  }
  return RUN_ALL_TESTS();
}
