package main

import (
	"maps"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/drillhq/drill/internal/fixture"
)

var _ = Describe("the fixtures drill carries", func() {
	It("are exactly the ones a scenario may name", func() {
		Expect(slices.Sorted(maps.Keys(fixtureMains))).To(Equal(slices.Sorted(maps.Keys(fixture.Known))))
	})
})
