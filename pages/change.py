"""Change over time (placeholder until its issue lands)."""
import streamlit as st

st.title("Change over time")
st.info("This page is being built.")
