# SPDX-License-Identifier: GPL-2.0
#
# sivshmem: secure inter-VM shared memory.
#
#   make          build the module, the host tools and the selftests
#   make deps     install the Debian packages we need (as root)
#   make check    every test; ends with "N passed, N failed"
#   make vmtest   only the selftests inside real VMs
#   make demo     host daemon + two VMs, explained as it happens
#   make lint     checkpatch --strict, sparse and W=1 on the kernel code
#   make kunit    KUnit tests of the codec in a UML kernel (first run ~3 min)
#   make fuzz     libFuzzer on the parsers of hostile input, 30 s each
#                 (make fuzz FUZZ_SECONDS=300 for a longer hunt)
#   make bench    benchmarks: two VMs (raw ivshmem, sivshmem, TCP), the ring
#                 natively, the handshake crypto in KUnit (~10 min); not in check
#   make bench-native  only the ring natively (seconds)
#   make clean

# The kernel we build against and boot: Debian 12's 6.1.
KDIR ?= $(lastword $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64)))
KSRC_TAR ?= /usr/src/linux-source-6.1.tar.xz
BUILD := $(CURDIR)/build
# The few files of the kernel source tree we use (harness, checkpatch).
KSRC := $(BUILD)/linux-source-6.1
KSRC_FILES := tools/testing/selftests/kselftest_harness.h \
	tools/testing/selftests/kselftest.h \
	scripts/checkpatch.pl scripts/spelling.txt \
	scripts/const_structs.checkpatch
SELFTEST_DIR := tools/testing/selftests/sivshmem
HARNESS := $(SELFTEST_DIR)/qemu/run.sh

KERNEL_SRCS := $(wildcard drivers/sivshmem/*.c drivers/sivshmem/*.h) \
	include/uapi/linux/sivshmem.h

.PHONY: all module host selftests selftest-bins deps deps-if-missing check vmtest demo \
	lint kunit fuzz hosttest clean bench bench-bins bench-native bench-crypto

all: module host selftests

deps:
	@scripts/deps.sh

# check and demo install what is missing themselves.
deps-if-missing:
	@scripts/deps.sh --check 2>/dev/null || scripts/deps.sh

$(BUILD):
	@mkdir -p $@

module: | $(BUILD)
	@test -n "$(KDIR)" || { echo "No 6.1 kernel headers: run 'make deps'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_SIVSHMEM=m
	@cp drivers/sivshmem/sivshmem.ko $(BUILD)/

host: | $(BUILD)
	$(MAKE) -C host
	@cp host/sivshmemd host/sivshmemd-san host/sivshmem-ca $(BUILD)/

$(KSRC)/.extracted: | $(BUILD)
	@test -r $(KSRC_TAR) || { echo "No $(KSRC_TAR): run 'make deps'"; exit 1; }
	@echo "  EXTRACT $(notdir $(KSRC_TAR)) (harness headers, checkpatch)"
	@tar -C $(BUILD) -xJf $(KSRC_TAR) $(addprefix linux-source-6.1/,$(KSRC_FILES))
	@touch $@

# The selftests are static: the guests run a bare busybox initramfs. Their
# own Makefile builds them; "../kselftest_harness.h" resolves against
# ksft/sub, as it would in-tree.
selftest-bins: $(KSRC)/.extracted
	@mkdir -p $(BUILD)/ksft/sub
	@cp $(KSRC)/tools/testing/selftests/kselftest*.h $(BUILD)/ksft/
	$(MAKE) -C $(SELFTEST_DIR) OUTPUT=$(BUILD) KSFT_INC=$(BUILD)/ksft/sub

$(BUILD)/demo.sh: $(SELFTEST_DIR)/qemu/demo.sh | $(BUILD)
	@cp $< $@

$(BUILD)/sivshmem-provision: tools/sivshmem/sivshmem-provision | $(BUILD)
	@cp $< $@

selftests: selftest-bins $(BUILD)/demo.sh $(BUILD)/sivshmem-provision

hosttest:
	$(MAKE) -C host check

vmtest: all
	@bash $(HARNESS) --mode vmtest --build $(BUILD)

demo: deps-if-missing
	@$(MAKE) --no-print-directory all
	@bash $(HARNESS) --mode demo --build $(BUILD)

lint: $(KSRC)/.extracted
	@scripts/lint.sh $(KDIR) $(KSRC)

# Unpacks the whole source into build/kunit once; later runs are incremental.
kunit:
	@scripts/kunit.sh

# The parsers of hostile input under libFuzzer, ASan and UBSan.
fuzz:
	$(MAKE) -C tests/fuzz run

# Benchmarks (not part of check): the guest program is static like the
# selftests; the native ring benchmark runs on this host. Both include the
# one ring implementation, bench/siv_ring.h.
BENCH_DIR := $(SELFTEST_DIR)/bench
BENCH_HDRS := $(BENCH_DIR)/siv_ring.h $(BENCH_DIR)/bench_util.h \
	$(SELFTEST_DIR)/sivshmem_chan.h include/uapi/linux/sivshmem.h

$(BUILD)/sivshmem_bench: $(BENCH_DIR)/sivshmem_bench.c $(BENCH_HDRS) | $(BUILD)
	$(CC) -O2 -Wall -static -Iinclude/uapi -o $@ $< -pthread

$(BUILD)/ring_native: $(BENCH_DIR)/ring_native.c $(BENCH_HDRS) | $(BUILD)
	$(CC) -O2 -Wall -Iinclude/uapi -o $@ $<

bench-bins: all $(BUILD)/sivshmem_bench $(BUILD)/ring_native

bench: deps-if-missing
	@$(MAKE) --no-print-directory bench-bins
	@scripts/bench.sh

bench-native: $(BUILD)/ring_native
	@scripts/bench.sh --only native

bench-crypto:
	@scripts/bench.sh --only crypto

check: deps-if-missing
	@scripts/check.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C host clean
	rm -rf $(BUILD)
