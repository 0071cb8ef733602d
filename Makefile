# vodgate build. `make` builds build/vodgate; `make run` and `make test` are
# the two commands of the README (each installs what is missing first).

CC      ?= gcc
PKGS    := libmicrohttpd jansson libsodium sqlite3 libpq libical libxml-2.0 libzip libcurl \
           libavformat libavcodec libavutil libcrypto
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -D_GNU_SOURCE $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
ifdef CI
CFLAGS  += -Werror
endif
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC_DIRS := src/base src/core src/store src/ingest src/check src/app src/http src/jobs src/web src/cli
LIB_SRC  := $(filter-out src/cli/main.c,$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
MAIN_SRC := src/cli/main.c
TEST_SRC := $(wildcard tests/test_*.c)

OBJ      := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC))
ASAN_OBJ := $(patsubst src/%.c,build/asan/obj/%.o,$(LIB_SRC))
TESTS    := $(patsubst tests/%.c,build/asan/%,$(TEST_SRC))
# Mail templates are data built into the binary: tools/embed.c makes build/gen/mail_templates.c.
MAIL_TPL := $(sort $(wildcard templates/mail/*.txt))
# So are the portal's HTML templates (templates/html/) and static files (static/, plus the
# browser build of tus-js-client from node_modules when npm has installed it).
HTML_TPL := $(sort $(wildcard templates/html/*.html))
STATIC   := $(sort $(wildcard static/*) $(wildcard node_modules/tus-js-client/dist/tus.min.js))
GEN      := mail_templates html_templates static_assets
OBJ      += $(patsubst %,build/obj/gen/%.o,$(GEN))
ASAN_OBJ += $(patsubst %,build/asan/obj/gen/%.o,$(GEN))

.PHONY: all run test test-unit test-api deps deps-test clean fuzz format lint bench
all: build/vodgate

build/vodgate: $(OBJ) build/obj/cli/main.o
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/asan/vodgate: $(ASAN_OBJ) build/asan/obj/cli/main.o
	@echo "  LD asan $@"
	@$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

# Each object depends on the headers it includes, as the compiler found them (-MMD -MP):
# build/**/*.d, read back below. The generated mail_templates.h dependency is a real file.
DEPFLAGS = -MMD -MP

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(CFLAGS) -O1 $(SAN) $(DEPFLAGS) -c -o $@ $<

build/tools/embed: tools/embed.c
	@mkdir -p build/tools
	@$(CC) -std=c17 -O1 -Wall -Wextra -o $@ $<

build/gen/mail_templates.c: build/tools/embed $(MAIL_TPL)
	@mkdir -p build/gen
	@echo "  GEN     $@"
	@build/tools/embed $@ mail_templates_embedded $(MAIL_TPL)

build/gen/html_templates.c: build/tools/embed $(HTML_TPL)
	@mkdir -p build/gen
	@echo "  GEN     $@"
	@build/tools/embed $@ html_templates_embedded $(HTML_TPL)

build/gen/static_assets.c: build/tools/embed $(STATIC)
	@mkdir -p build/gen
	@echo "  GEN     $@"
	@build/tools/embed $@ static_assets_embedded --full-names $(STATIC)

build/obj/gen/%.o: build/gen/%.c src/base/embedded.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

build/asan/obj/gen/%.o: build/gen/%.c src/base/embedded.h
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(CFLAGS) -O1 $(SAN) -c -o $@ $<

build/asan/test_%: tests/test_%.c $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) -O1 $(SAN) $(DEPFLAGS) -MF $@.d -Itests -o $@ $< $(ASAN_OBJ) $(LDLIBS)

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d) build/obj/cli/main.d build/asan/obj/cli/main.d \
         $(TESTS:=.d)

deps:
	@sh scripts/deps.sh

deps-test:
	@sh scripts/deps.sh --test

# Builds, then serves on 127.0.0.1:8080 with ./var; prints the admin sign-in on first run.
# A fresh ./var is seeded with the demo data first (its sign-ins printed), unless DEMO=0.
run: deps
	@sh scripts/node-deps.sh
	@$(MAKE) --no-print-directory build/vodgate
	@if [ ! -e ./var ] && [ "$(DEMO)" != 0 ]; then ./build/vodgate demo --data ./var; fi
	./build/vodgate serve --listen 127.0.0.1:8080 --data ./var --bootstrap-admin

# Every test: C unit tests and the API/browser suites, all under ASan/UBSan.
test: deps-test
	@sh scripts/node-deps.sh
	@$(MAKE) --no-print-directory build/asan/vodgate build/vodgate $(TESTS)
	@sh scripts/lint.sh
	@sh scripts/test.sh $(TESTS)

fuzz:
	@sh scripts/fuzz.sh

lint:
	@sh scripts/lint.sh

format:
	clang-format -i $(LIB_SRC) $(MAIN_SRC) src/*/*.h tests/*.c tests/*.h

clean:
	rm -rf build
