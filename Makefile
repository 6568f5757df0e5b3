# Baserow Monitor — the two quick-start commands (README): `make demo` and `make test`.
# Both install missing build dependencies (Debian/Ubuntu), configure and build first.

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_ARGS ?=
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_SECONDS ?= 20

CCACHE := $(shell command -v ccache 2>/dev/null)
ifneq ($(CCACHE),)
  LAUNCHER := -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
endif
GENERATOR := $(if $(shell command -v ninja 2>/dev/null),-G Ninja,)

CLI := $(BUILD_DIR)/app/cli/baserow-monitor-cli
GUI := $(BUILD_DIR)/app/gui/baserow-monitor

.PHONY: all demo test bench deps configure build clean format help

all: build

help:
	@echo "make demo   build, then run the app on the built-in simulator (terminal stream without a display)"
	@echo "make test   build, then run the whole test suite (CTest, benchmarks excluded)"
	@echo "make bench  build, then run the benchmarks (CTest label bench)"

deps:
	@sh packaging/setup-deps.sh

# Configure once; later runs only rebuild.
$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(LAUNCHER) $(CMAKE_ARGS)

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) --parallel $(JOBS)

# With a display the desktop app opens on the simulator; without one the CLI streams for a while.
demo: build
	@if { [ -n "$${DISPLAY:-}" ] || [ -n "$${WAYLAND_DISPLAY:-}" ]; } && [ -x "$(GUI)" ]; then \
		echo "Starting Baserow Monitor on the built-in simulator…"; \
		"$(GUI)" --demo; \
	else \
		echo "No display: streaming the built-in simulator's events to the terminal for $(DEMO_SECONDS) s."; \
		"$(CLI)" watch --demo --duration $(DEMO_SECONDS); \
	fi

test: build
	ctest --test-dir $(BUILD_DIR) --label-exclude bench --output-on-failure --parallel $(JOBS)

bench: build
	ctest --test-dir $(BUILD_DIR) --label-regex bench --output-on-failure

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
